// `npx tsx scripts/bench/run-http.ts [--quick] [postgresql|pglite|scale ...]`: the HTTP benches
// (both database kinds, then the PostgreSQL scale path), printed as a table. --quick runs each
// timed part for 3 s at 16 connections. Exits 1 when a figure misses its goal.
import path from "node:path";
import { meetsGoal, type DatabaseKind, type Figure } from "./figures";
import { runHttpBench, type HttpBenchOptions } from "./http";
import { runScalePath } from "./scale";

// The app and the worker are started from the repository root (build/, scripts/bench/worker.ts).
process.chdir(path.resolve(import.meta.dirname, "../.."));

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const parts = args.filter((arg) => !arg.startsWith("--"));
const selected = parts.length ? parts : ["postgresql", "pglite", "scale"];
const options: HttpBenchOptions = quick ? { seconds: 3, connections: 16, redemptions: 300, queuedRedemptions: 100 } : {};

const figures: Figure[] = [];
for (const part of selected) {
  console.error(`running ${part}…`);
  figures.push(...(part === "scale" ? await runScalePath(options) : await runHttpBench(part as DatabaseKind, options)));
}
console.log(table(figures));
process.exitCode = figures.every(meetsGoal) ? 0 : 1;

function table(rows: Figure[]): string {
  const cells = rows.map((f) => [
    f.group,
    f.name,
    f.database,
    `${f.value} ${f.unit}`,
    f.goal ? `${f.goal.op} ${f.goal.value}${meetsGoal(f) ? "" : " ✗"}` : "",
    f.detail ?? "",
  ]);
  const header = ["group", "figure", "database", "value", "goal", "detail"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}
