// What every part of `npm run bench` reports: a figure, its unit, and the goal it is held to.

export type DatabaseKind = "postgresql" | "pglite";

export interface Goal {
  /** "<=": the figure must not exceed the goal; ">=": it must reach it. */
  op: "<=" | ">=";
  value: number;
}

export interface Figure {
  /** Which part of the benchmark, e.g. "webhook ingest". */
  group: string;
  /** What was measured, e.g. "p99 latency at 200 req/s". */
  name: string;
  database: DatabaseKind | "—";
  value: number;
  unit: string;
  goal?: Goal;
  /** One line on what was run: sizes, concurrency, duration. */
  detail?: string;
}

export const meetsGoal = (figure: Figure) =>
  !figure.goal || (figure.goal.op === "<=" ? figure.value <= figure.goal.value : figure.value >= figure.goal.value);

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The figures as a Markdown table, as docs/benchmark.md quotes them. */
export function formatTable(rows: Figure[]): string {
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
