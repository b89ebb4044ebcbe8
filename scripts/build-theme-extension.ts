// `npx tsx scripts/build-theme-extension.ts`: bundles the theme app extension's scripts
// (extensions/tally-theme/src) into extensions/tally-theme/assets/, the files Shopify serves:
// tally.js (every block), tally-ref.js (referral capture, loaded by the launcher embed),
// tally-claim.js (actions shoppers claim, loaded by the launcher embed and the account block),
// tally-engage.js (challenges, badges and the leaderboard) and tally-notice.js (offers, the next
// reward, a surprise), both loaded by the same two, and tally-membership.js (the paid membership's
// offer and status, loaded by the same two when the program sells one) and tally-round-up.js (the
// cart's round-up and the running total per cause, the script of those two blocks); and the
// blocks' styles, src/tally.css minified into snippets/tally-style.liquid. Run it after editing
// src/; test/theme-extension.test.ts fails while they differ.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build, transform } from "esbuild";

export const THEME_EXTENSION_DIR = path.resolve("extensions/tally-theme");
/** Each shipped script (in assets/) and the entry it is built from (in src/). */
export const THEME_SCRIPTS = {
  "tally.js": "main.ts",
  "tally-ref.js": "ref-main.ts",
  "tally-claim.js": "claim-main.ts",
  "tally-engage.js": "engage-main.ts",
  "tally-notice.js": "notice-main.ts",
  "tally-membership.js": "membership-main.ts",
  "tally-round-up.js": "round-up-main.ts",
} as const;
export type ThemeScript = keyof typeof THEME_SCRIPTS;
export const themeScriptPath = (script: ThemeScript) => path.join(THEME_EXTENSION_DIR, "assets", script);

/** A shipped script as the source builds it today: ES2019, one IIFE, minified. */
export async function buildThemeScript(script: ThemeScript): Promise<string> {
  const result = await build({
    entryPoints: [path.join(THEME_EXTENSION_DIR, "src", THEME_SCRIPTS[script])],
    bundle: true,
    format: "iife",
    target: "es2019",
    minify: true,
    legalComments: "none",
    // No "use strict" prologue: 13 bytes of the 10,000 (the source is type-checked strict TypeScript).
    tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

export const themeStylePath = path.join(THEME_EXTENSION_DIR, "snippets", "tally-style.liquid");

/**
 * The blocks' styles as each block inlines them (`{% render 'tally-style' %}`): a `<style>`, not
 * the schema's `stylesheet`, which Shopify loads in the page's head, where it holds back the
 * store's first paint (docs/decisions/0035).
 */
export async function buildThemeStyle(): Promise<string> {
  const css = readFileSync(path.join(THEME_EXTENSION_DIR, "src", "tally.css"), "utf8");
  const { code } = await transform(css, { loader: "css", minify: true, legalComments: "none" });
  if (/\{[{%]/.test(code)) throw new Error("src/tally.css minified into Liquid's {{ or {%");
  return (
    "{%- comment -%} Built from src/tally.css by `npm run build:theme`: do not edit. {%- endcomment -%}\n" +
    `<style>${code.trim()}</style>\n`
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const script of Object.keys(THEME_SCRIPTS) as ThemeScript[]) {
    const file = themeScriptPath(script);
    const built = await buildThemeScript(script);
    const before = (() => {
      try {
        return readFileSync(file, "utf8");
      } catch {
        return "";
      }
    })();
    writeFileSync(file, built);
    const gzip = gzipSync(built, { level: 9 }).length;
    console.log(
      `${path.relative(process.cwd(), file)}: ${Buffer.byteLength(built)} bytes, ${gzip} gzip${before === built ? " (unchanged)" : ""}`,
    );
  }
  const style = await buildThemeStyle();
  writeFileSync(themeStylePath, style);
  console.log(`${path.relative(process.cwd(), themeStylePath)}: ${Buffer.byteLength(style)} bytes`);
}
