// `npm run bench [-- --quick] [-- --only=http,jobs,import,scale,bundles,admin-page,challenges,reports,lighthouse] [-- --db=postgresql,pglite]`: every speed figure Tally is held
// to, measured side by side in one run on PostgreSQL (BENCH_DATABASE_URL, default the local
// server) and embedded PGlite, printed as a table with each goal (✗ marks a miss) and written to
// bench/results/latest.json. Needs the production build (`npm run build`); builds it if missing.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { buildExtensions } from "../build-extensions";
import { formatTable, meetsGoal, round, type DatabaseKind, type Figure } from "./figures";
import { runAdminPageBench } from "./admin-page";
import { runEngagementBench } from "./engagement";
import { runHttpBench, type HttpBenchOptions } from "./http";
import { runLighthouseBench } from "./lighthouse";
import { FULL_SCALE, importFigures, QUICK_SCALE, runJobsBench } from "./jobs";
import { FULL_REPORTS_SCALE, QUICK_REPORTS_SCALE, runReportsBench } from "./reports";
import { runScalePath } from "./scale";

const ROOT = path.resolve(import.meta.dirname, "../..");
process.chdir(ROOT);

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyArg = args.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
const parts = new Set(
  onlyArg
    ? onlyArg.split(",")
    : ["http", "jobs", "import", "scale", "bundles", "admin-page", "challenges", "reports", "lighthouse"],
);
const dbArg = args.find((arg) => arg.startsWith("--db="))?.slice("--db=".length);
const KINDS = (dbArg ? dbArg.split(",") : ["postgresql", "pglite"]) as DatabaseKind[];
const httpOptions: HttpBenchOptions = quick
  ? { seconds: 3, connections: 16, redemptions: 300, queuedRedemptions: 100, usageOrders: 100 }
  : {};

if (!existsSync(path.join(ROOT, "build/server/index.js"))) {
  console.error("building the app first (npm run build)…");
  execFileSync("npm", ["run", "build"], { stdio: "inherit" });
}

const started = Date.now();
const figures: Figure[] = [];
if (parts.has("bundles")) figures.push(...(await bundleFigures()));
if (parts.has("admin-page")) figures.push(...(await runAdminPageBench({ loads: quick ? 3 : 7 })));
for (const kind of KINDS) {
  if (parts.has("http")) figures.push(...(await runHttpBench(kind, httpOptions)));
  if (parts.has("jobs")) figures.push(...(await runJobsBench(kind, quick ? QUICK_SCALE : FULL_SCALE)));
  if (parts.has("import")) figures.push(...(await importFigures(kind, quick ? QUICK_SCALE : FULL_SCALE)));
  if (parts.has("challenges")) figures.push(...(await runEngagementBench(kind, quick ? { seconds: 8 } : {})));
  if (parts.has("reports"))
    figures.push(...(await runReportsBench(kind, quick ? QUICK_REPORTS_SCALE : FULL_REPORTS_SCALE)));
}
if (parts.has("scale")) figures.push(...(await runScalePath(httpOptions)));
if (parts.has("lighthouse")) figures.push(...(await runLighthouseBench(quick ? { runs: 3 } : {})));

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()}`;
const results = {
  at: new Date().toISOString(),
  machine,
  quick,
  seconds: Math.round((Date.now() - started) / 1000),
  figures,
};
mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
writeFileSync(path.join(ROOT, "bench/results/latest.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${machine}${quick ? " (quick)" : ""}\n`);
console.log(formatTable(figures));
const misses = figures.filter((figure) => !meetsGoal(figure));
console.log(`\n${figures.length} figures, ${misses.length} over budget; written to bench/results/latest.json`);
// Always 0: a benchmark informs, the tests decide.
process.exit(0);

/** What shoppers and merchants download: the theme script, the UI extension bundles, the admin's first page. */
async function bundleFigures(): Promise<Figure[]> {
  const sized = (file: string) => {
    const bytes = readFileSync(file);
    return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const theme = sized("extensions/tally-theme/assets/tally.js");
  const capture = sized("extensions/tally-theme/assets/tally-ref.js");
  const figuresOut: Figure[] = [
    {
      group: "bundles",
      name: "theme launcher tally.js, gzip",
      database: "—",
      value: theme.gzip,
      unit: "B",
      goal: { op: "<=", value: 10_240 },
      detail: `${theme.raw} B raw (Theme Check's cap: 10,000 B raw)`,
    },
    {
      group: "bundles",
      name: "theme tally.js, raw",
      database: "—",
      value: theme.raw,
      unit: "B",
      goal: { op: "<=", value: 10_000 },
    },
    {
      group: "bundles",
      name: "theme referral capture tally-ref.js, gzip",
      database: "—",
      value: capture.gzip,
      unit: "B",
      detail: `${capture.raw} B raw`,
    },
  ];
  for (const report of await buildExtensions({ bundler: "esbuild" })) {
    const brotli = brotliCompressSync(readFileSync(report.file)).length;
    figuresOut.push({
      group: "bundles",
      name: `${report.handle} bundle, gzip`,
      database: "—",
      value: report.gzip,
      unit: "B",
      goal: { op: "<=", value: report.budget },
      detail: `${report.raw} B raw, ${brotli} B brotli`,
    });
  }
  figuresOut.push(adminFirstPage());
  return figuresOut;
}

/** The JavaScript the admin's home page loads: Remix's client entry and the root, app and home routes, with their imports. */
function adminFirstPage(): Figure {
  const assets = path.join(ROOT, "build/client/assets");
  const manifestFile = readdirSync(assets).find((file) => /^manifest-.*\.js$/.test(file))!;
  const manifest = JSON.parse(
    readFileSync(path.join(assets, manifestFile), "utf8")
      .replace(/^window\.__remixManifest=/, "")
      .replace(/;\s*$/, ""),
  ) as {
    entry: { module: string; imports?: string[] };
    routes: Record<string, { module: string; imports?: string[] }>;
  };
  const files = new Set<string>();
  for (const part of [
    manifest.entry,
    ...["root", "routes/app", "routes/app._index"].map((id) => manifest.routes[id]!),
  ]) {
    for (const file of [part.module, ...(part.imports ?? [])]) files.add(file);
  }
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(path.join(ROOT, "build/client", file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return {
    group: "bundles",
    name: "admin home page client JS, gzip",
    database: "—",
    value: round(gzip / 1024, 1),
    unit: "KB",
    goal: { op: "<=", value: 150 },
    detail: `${files.size} files, ${round(raw / 1024, 1)} KB raw`,
  };
}
