import { execSync } from "node:child_process";
import { buildIsStale } from "../../scripts/build-freshness.mjs";

/**
 * Integration tests run the production build: rebuilt here whenever any of its sources is
 * newer than it, so `npx vitest run test/x.test.ts` never tests yesterday's code.
 */
export default function setup() {
  if (!buildIsStale()) return;
  // Built as `npm run build` builds it: vite.config.ts leaves the Remix plugin out under VITEST.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST")));
  execSync("npx remix vite:build", { stdio: "inherit", env: { ...env, NODE_ENV: "production" } });
}
