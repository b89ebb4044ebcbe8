// Whether an output is older than its inputs — shared by scripts/prepare.mjs (`npm test`,
// `npm run demo`) and test/support/global-setup.ts (a bare `npx vitest run test/x.test.ts`),
// so no test ever runs against a build of older code. Plain JavaScript: prepare.mjs runs on
// whatever Node the machine has.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

// Tests beside the code are not part of the build: editing one must not rebuild it.
const isTestFile = (name) => /\.test\.[cm]?[jt]sx?$/.test(name);

/** The newest modification time under `target` (a file or folder), 0 when it does not exist. */
export function newestChange(target) {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(
    stats.mtimeMs,
    ...readdirSync(target, { withFileTypes: true })
      .filter((entry) => entry.name !== "node_modules" && !isTestFile(entry.name))
      .map((entry) => newestChange(path.join(target, entry.name))),
  );
}

export const outdated = (output, inputs) =>
  !existsSync(output) || Math.max(...inputs.map(newestChange)) > newestChange(output);

export const BUILD_OUTPUT = "build/server/index.js";
// Everything the production build is made of: app code, static files, the bundler's config,
// dependencies and the generated Prisma client; server.ts, which loads the build.
export const BUILD_INPUTS = [
  "app",
  "public",
  "vite.config.ts",
  "server.ts",
  "package-lock.json",
  "node_modules/.prisma/client/index.js",
];

/** True when the build under `root` is missing or older than any of its inputs. */
export const buildIsStale = (root = ".") =>
  outdated(
    path.join(root, BUILD_OUTPUT),
    BUILD_INPUTS.map((input) => path.join(root, input)),
  );
