// `npm run build:extensions [-- --esbuild] [--out <dir>]`: bundles every UI extension
// (extensions/*/shopify.extension.toml with type "ui_extension") and reports each bundle's size
// against its budget. Exits 1 when one is over.
//
// Default: Shopify CLI's own bundler (`shopify app build`, offline: it needs no login or linked
// app for a build) on a scratch copy of the app, so the shared checkout's extensions/*/dist,
// manifest.json and other extension types (the theme extension) are not touched.
// `--esbuild`: the same esbuild options the CLI 4.8 uses for UI extensions (stdin entry that
// `shopify.extend`s each target's default export, bundle, minify, jsx automatic — Preact through
// the sources' `@jsxImportSource preact` — target es6, no legal comments), for machines where the
// CLI cannot run (it needs Node ≥ 22.12).
//
// The app URL the extensions call is baked in as `process.env.APP_URL`, from APP_URL,
// SHOPIFY_APP_URL, or `application_url` in shopify.app.toml.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { parse } from "smol-toml";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
const KB = 1024;

/**
 * Compressed-size budgets (the unit Shopify enforces: 64 KB compressed per extension, 128 KB for a
 * full-page customer account extension). Checkout loads on every checkout: it gets 20 KB.
 */
export const BUDGETS: Record<string, number> = {
  "tally-checkout": 20 * KB,
  // The survey block on the thank-you and order status pages: after every order, as small as checkout's.
  "tally-survey": 20 * KB,
  "tally-customer-account": 64 * KB,
  // Loads once per POS session, on a device: room for its five targets, far under Shopify's 64 KB.
  "tally-pos": 32 * KB,
};
const DEFAULT_BUDGET = 64 * KB;

export interface UiExtension {
  handle: string;
  directory: string;
  apiVersion: string;
  targets: { target: string; module: string }[];
}

export interface BundleReport {
  handle: string;
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
  budget: number;
}

export async function uiExtensions(root = ROOT): Promise<UiExtension[]> {
  const found: UiExtension[] = [];
  for (const name of (await readdir(join(root, "extensions"))).sort()) {
    const directory = join(root, "extensions", name);
    const toml = await readFile(join(directory, "shopify.extension.toml"), "utf8").catch(() => null);
    if (!toml) continue;
    const config = parse(toml) as {
      api_version?: string;
      extensions?: { type: string; handle: string; targeting?: { target: string; module: string }[] }[];
    };
    for (const extension of config.extensions ?? []) {
      if (extension.type !== "ui_extension") continue;
      found.push({
        handle: extension.handle,
        directory,
        apiVersion: config.api_version ?? "",
        targets: extension.targeting ?? [],
      });
    }
  }
  return found;
}

export async function appUrl(root = ROOT, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.APP_URL) return env.APP_URL;
  if (env.SHOPIFY_APP_URL) return env.SHOPIFY_APP_URL;
  const app = parse(await readFile(join(root, "shopify.app.toml"), "utf8")) as { application_url?: string };
  if (!app.application_url) throw new Error("no app URL: set APP_URL or application_url in shopify.app.toml");
  return app.application_url;
}

/** The entry the CLI feeds esbuild for a UI extension on API 2025-10+. */
export const entryFor = (extension: UiExtension) =>
  extension.targets
    .map(
      ({ target, module }, i) =>
        `import Target_${i} from '${module}';shopify.extend('${target}', (...args) => Target_${i}(...args));`,
    )
    .join(" ");

async function withEsbuild(extensions: UiExtension[], outDir: string, url: string) {
  for (const extension of extensions) {
    await build({
      outfile: join(outDir, `${extension.handle}.js`),
      stdin: { contents: entryFor(extension), resolveDir: extension.directory, loader: "tsx" },
      bundle: true,
      define: { "process.env.NODE_ENV": JSON.stringify("production"), "process.env.APP_URL": JSON.stringify(url) },
      jsx: "automatic",
      loader: { ".esnext": "ts", ".js": "jsx" },
      legalComments: "none",
      minify: true,
      target: "es6",
      resolveExtensions: [".tsx", ".ts", ".js", ".json", ".esnext", ".mjs", ".ejs"],
      logLevel: "error",
      sourcemap: true,
      sourceRoot: join(extension.directory, "src"),
    });
  }
}

async function withShopifyCli(extensions: UiExtension[], outDir: string, url: string) {
  // A scratch app: the app config, node_modules, the UI extensions and the code they share.
  const scratch = await mkdtemp(join(tmpdir(), "tally-extensions-"));
  try {
    await cp(join(ROOT, "shopify.app.toml"), join(scratch, "shopify.app.toml"));
    await cp(join(ROOT, "package.json"), join(scratch, "package.json"));
    await symlink(join(ROOT, "node_modules"), join(scratch, "node_modules"), "dir");
    const uiDirectories = new Set(extensions.map((e) => e.directory));
    for (const name of await readdir(join(ROOT, "extensions"))) {
      const directory = join(ROOT, "extensions", name);
      if (!(await stat(directory)).isDirectory()) continue;
      const hasToml = await stat(join(directory, "shopify.extension.toml")).then(
        () => true,
        () => false,
      );
      if (hasToml && !uiDirectories.has(directory)) continue; // other extension types stay out
      await cp(directory, join(scratch, "extensions", name), {
        recursive: true,
        filter: (source) => !/[/\\](dist|node_modules)$/.test(source) && !source.endsWith("manifest.json"),
      });
    }
    // The CLI's entry on this Node (npm scripts and npx run the project's Node 24; CLI 4 needs ≥ 22.12).
    const cli = join(ROOT, "node_modules", "@shopify", "cli", "bin", "run.js");
    const args = [cli, "app", "build", "--path", scratch, "--skip-dependencies-installation", "--no-color"];
    await promisify(execFile)(process.execPath, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        PATH: `${join(ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
        APP_URL: url,
        CI: "1",
        SHOPIFY_CLI_NO_ANALYTICS: "1",
        SHOPIFY_CLI_SKIP_ESBUILD_REACT_DEDUPLICATION: "1",
      },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 180_000,
    });
    for (const extension of extensions) {
      const built = join(scratch, relative(ROOT, extension.directory), "dist", `${extension.handle}.js`);
      await cp(built, join(outDir, `${extension.handle}.js`));
      await cp(`${built}.map`, join(outDir, `${extension.handle}.js.map`)).catch(() => undefined);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function buildExtensions(
  options: { bundler?: "shopify-cli" | "esbuild"; outDir?: string; url?: string } = {},
): Promise<BundleReport[]> {
  const extensions = await uiExtensions();
  const outDir = options.outDir ?? join(ROOT, ".cache", "extensions");
  const url = options.url ?? (await appUrl());
  await mkdir(outDir, { recursive: true });
  if (options.bundler === "esbuild") await withEsbuild(extensions, outDir, url);
  else await withShopifyCli(extensions, outDir, url);
  const reports: BundleReport[] = [];
  for (const { handle } of extensions) {
    const file = join(outDir, `${handle}.js`);
    const code = await readFile(file);
    reports.push({
      handle,
      file,
      raw: code.byteLength,
      gzip: gzipSync(code, { level: 9 }).byteLength,
      brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).byteLength,
      budget: BUDGETS[handle] ?? DEFAULT_BUDGET,
    });
  }
  return reports;
}

const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;
export const describeReport = (r: BundleReport) =>
  `${r.handle}: ${kb(r.raw)} raw, ${kb(r.gzip)} gzip, ${kb(r.brotli)} brotli (budget ${kb(r.budget)} compressed)`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf("--out");
  const outDir = outAt >= 0 ? resolve(args[outAt + 1]!) : join(ROOT, ".cache", "extensions");
  const reports = await buildExtensions({ bundler: args.includes("--esbuild") ? "esbuild" : "shopify-cli", outDir });
  for (const report of reports)
    console.log(
      `${report.gzip > report.budget ? "OVER " : "ok   "} ${describeReport(report)} → ${relative(ROOT, report.file)}`,
    );
  await writeFile(join(outDir, "sizes.json"), JSON.stringify(reports, null, 2));
  if (reports.some((r) => r.gzip > r.budget || r.brotli > r.budget)) process.exit(1);
}
