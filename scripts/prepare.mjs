// Runs before `npm run demo` and `npm test` on whatever Node the machine has (it may be older
// than the project's): installs dependencies when package-lock.json changed, then generates
// the Prisma client and builds the app when their inputs are newer than their outputs.
import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { buildIsStale, outdated } from "./build-freshness.mjs";

const run = (command) => execSync(command, { stdio: "inherit", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });

const lockHash = createHash("sha256").update(readFileSync("package-lock.json")).digest("hex");
const stamp = "node_modules/.tally-install-stamp";
if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== lockHash) {
  console.log("Installing dependencies (npm ci)…");
  run("npm ci --no-audit --no-fund");
  writeFileSync(stamp, lockHash);
}

// npm puts node_modules/.bin first on PATH: these run on the project's Node 24.
if (outdated("node_modules/.prisma/client/index.js", ["prisma/schema.prisma", stamp])) run("npx prisma generate");
if (buildIsStale()) run("npx remix vite:build");

// The admin's browser tests drive Debian's Chromium (Playwright's own download cannot run here).
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (process.env.npm_lifecycle_event === "pretest" && !existsSync(chromium)) {
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    console.log("Installing Chromium for the browser tests (apt-get)…");
    run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium");
  } else {
    console.warn(
      `No Chromium at ${chromium}: run \`apt-get install chromium\` (or set CHROMIUM_PATH); the browser tests need it.`,
    );
  }
}
