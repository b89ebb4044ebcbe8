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

// The admin's browser tests drive Debian's Chromium (Playwright's own download cannot run here),
// with a Japanese font so the storefront's Japanese screenshots show text, not empty boxes.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const japaneseFont = "/usr/share/fonts/opentype/ipafont-gothic";
const debian = existsSync("/usr/bin/apt-get");
const missing = [
  !existsSync(chromium) && "chromium",
  // Elsewhere (macOS) the system's fonts have Japanese.
  debian && !existsSync(japaneseFont) && "fonts-ipafont-gothic",
].filter(Boolean);
if (process.env.npm_lifecycle_event === "pretest" && missing.length) {
  if (process.getuid?.() === 0 && debian) {
    console.log(`Installing ${missing.join(" and ")} for the browser tests (apt-get)…`);
    run(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(" ")}`);
  } else {
    console.warn(
      `Missing for the browser tests: run \`apt-get install ${missing.join(" ")}\` (or set CHROMIUM_PATH for Chromium).`,
    );
  }
}
