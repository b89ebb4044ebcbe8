// `npx vitest run test/x.test.ts` rebuilds before testing whenever the build is older than its
// sources (test/support/global-setup.ts), with the same rule as `npm test` (scripts/prepare.mjs).
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildIsStale } from "../scripts/build-freshness.mjs";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

function project(): { root: string; write(file: string, minutesAgo: number): void } {
  const root = mkdtempSync(path.join(tmpdir(), "tally-freshness-"));
  roots.push(root);
  return {
    root,
    write(file, minutesAgo) {
      const target = path.join(root, file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, "x");
      const time = new Date(Date.now() - minutesAgo * 60_000);
      utimesSync(target, time, time);
      // Edited in place: the folders themselves (added or removed files) did not change since.
      const longAgo = new Date(Date.now() - 60 * 60_000);
      for (let folder = path.dirname(target); folder.startsWith(root); folder = path.dirname(folder))
        utimesSync(folder, longAgo, longAgo);
    },
  };
}

describe("is the build fresh", () => {
  it("is stale without a build, and when any source of it is newer than the build", () => {
    const { root, write } = project();
    write("app/routes/webhooks.orders.paid.tsx", 10);
    expect(buildIsStale(root)).toBe(true);
    write("build/server/index.js", 5);
    expect(buildIsStale(root)).toBe(false);
    write("app/loyalty/deep/earning.ts", 1);
    expect(buildIsStale(root)).toBe(true);
  });

  it("counts server.ts and the bundler's config as sources, not the tests beside the code", () => {
    const { root, write } = project();
    write("app/loyalty/points/earning.ts", 10);
    write("build/server/index.js", 5);
    write("app/loyalty/points/earning.test.ts", 1);
    expect(buildIsStale(root)).toBe(false);
    write("server.ts", 1);
    expect(buildIsStale(root)).toBe(true);
    write("build/server/index.js", 0);
    write("vite.config.ts", -1);
    expect(buildIsStale(root)).toBe(true);
  });
});
