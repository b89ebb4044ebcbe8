// `npx tsx scripts/build-theme-extension.ts`: bundles the theme app extension's script
// (extensions/tally-theme/src) into extensions/tally-theme/assets/tally.js, the file Shopify
// serves. Run it after editing src/; test/theme-extension.test.ts fails while the two differ.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

export const THEME_EXTENSION_DIR = path.resolve("extensions/tally-theme");
export const THEME_SCRIPT = path.join(THEME_EXTENSION_DIR, "assets/tally.js");

const BANNER = "/* eslint-disable -- Tally storefront script, built from ../src by scripts/build-theme-extension.ts: do not edit. */";

/** The shipped script as the source builds it today: ES2019, one IIFE, minified. */
export async function buildThemeScript(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(THEME_EXTENSION_DIR, "src/main.ts")],
    bundle: true,
    format: "iife",
    target: "es2019",
    minify: true,
    legalComments: "none",
    banner: { js: BANNER },
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const script = await buildThemeScript();
  const before = (() => {
    try {
      return readFileSync(THEME_SCRIPT, "utf8");
    } catch {
      return "";
    }
  })();
  writeFileSync(THEME_SCRIPT, script);
  console.log(`${path.relative(process.cwd(), THEME_SCRIPT)}: ${Buffer.byteLength(script)} bytes${before === script ? " (unchanged)" : ""}`);
}
