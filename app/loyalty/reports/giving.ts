import type { Cause } from "~/loyalty/program/program";
import { decimalAmount } from "~/money/money";

/**
 * What the shop owes each cause (issue 24), the pure part: the months of a range, and the sums per
 * cause, month and currency (app/loyalty/reports/giving.server.ts reads them) put in the program's
 * order with the amounts as decimal text of their currency, for the page and the remittance CSV.
 */

/** A month as the range and the report write it: "2026-03" (UTC). */
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** The longest range a report covers: ten years of months. */
export const MAX_MONTHS = 120;

export interface MonthRange {
  from: string;
  to: string;
}

const monthIndex = (month: string) => {
  const [, year, number] = MONTH.exec(month)!;
  return Number(year) * 12 + Number(number) - 1;
};
const monthOfIndex = (index: number) =>
  `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;

/**
 * `?from=YYYY-MM&to=YYYY-MM`, both months included; either left out is this calendar year's (UTC)
 * January or December. Null when a month is malformed, `to` is before `from`, or the range is longer
 * than MAX_MONTHS.
 */
export function monthRange(params: { from?: string | null; to?: string | null }, now: Date): MonthRange | null {
  const year = String(now.getUTCFullYear()).padStart(4, "0");
  const from = params.from || `${year}-01`;
  const to = params.to || `${year}-12`;
  if (!MONTH.test(from) || !MONTH.test(to)) return null;
  const span = monthIndex(to) - monthIndex(from) + 1;
  return span >= 1 && span <= MAX_MONTHS ? { from, to } : null;
}

/** Each month of the range, in order. */
export function monthsOf(range: MonthRange): string[] {
  const first = monthIndex(range.from);
  return Array.from({ length: monthIndex(range.to) - first + 1 }, (_, offset) => monthOfIndex(first + offset));
}

/** The range as instants: from the first month's first day (00:00 UTC) to the day after the last month, excluded. */
export function rangeBounds(range: MonthRange): { start: Date; end: Date } {
  const instant = (index: number) => new Date(Date.UTC(Math.floor(index / 12), index % 12, 1));
  return { start: instant(monthIndex(range.from)), end: instant(monthIndex(range.to) + 1) };
}

/**
 * The database's sums: per cause, month and currency (`month` set), per cause and currency over the
 * range (`month` null, `causeId` set), and over everything (both null: only `donors` counts there).
 */
export interface GivingSumRow {
  causeId: string | null;
  month: string | null;
  currencyCode: string | null;
  roundUpMinor: bigint;
  points: bigint;
  pointsValueMinor: bigint;
  donors: number;
}

export interface GivingFigures {
  causeId: string;
  /** The cause's name in the program; null for a cause since removed (shown by its id). */
  name: string | null;
  currencyCode: string | null;
  /** Decimal text in the currency ("12.34", "1200" in JPY): round-ups still counting, points' value, both. */
  roundUp: string;
  points: number;
  pointsValue: string;
  owed: string;
  /** Distinct donors: members and customers by customer, guests without an account by order. */
  donors: number;
}

export interface GivingReport {
  range: MonthRange;
  months: string[];
  /** One per cause, month and currency with gifts, by month, then the program's order of causes. */
  rows: (GivingFigures & { month: string })[];
  /** One per cause and currency over the range: what the shop owes it. */
  causes: GivingFigures[];
  /** What the shop owes all causes, per currency. */
  owed: { currencyCode: string | null; amount: string }[];
  /** Distinct donors over the range, whatever they gave to. */
  donors: number;
  points: number;
}

const money = (minor: bigint, currencyCode: string | null) => decimalAmount(minor, currencyCode ?? "");

/** The causes in the program's order first, then removed ones by id. */
function causeOrder(causes: Pick<Cause, "id">[]) {
  const position = new Map(causes.map((cause, index) => [cause.id, index]));
  return (a: string, b: string) =>
    (position.get(a) ?? causes.length) - (position.get(b) ?? causes.length) || a.localeCompare(b);
}

export function assembleGivingReport(
  range: MonthRange,
  causes: Pick<Cause, "id" | "name">[],
  sums: GivingSumRow[],
): GivingReport {
  const names = new Map(causes.map((cause) => [cause.id, cause.name]));
  const byCause = causeOrder(causes);
  const figures = (row: GivingSumRow & { causeId: string }): GivingFigures => ({
    causeId: row.causeId,
    name: names.get(row.causeId) ?? null,
    currencyCode: row.currencyCode,
    roundUp: money(row.roundUpMinor, row.currencyCode),
    points: Number(row.points),
    pointsValue: money(row.pointsValueMinor, row.currencyCode),
    owed: money(row.roundUpMinor + row.pointsValueMinor, row.currencyCode),
    donors: row.donors,
  });
  const currencyOrder = (a: string | null, b: string | null) => (a ?? "").localeCompare(b ?? "");
  const perCause = sums.filter((row): row is GivingSumRow & { causeId: string } => row.causeId !== null);
  const rows = perCause
    .filter((row): row is GivingSumRow & { causeId: string; month: string } => row.month !== null)
    .sort(
      (a, b) =>
        a.month.localeCompare(b.month) ||
        byCause(a.causeId, b.causeId) ||
        currencyOrder(a.currencyCode, b.currencyCode),
    )
    .map((row) => ({ month: row.month, ...figures(row) }));
  const totals = perCause
    .filter((row) => row.month === null)
    .sort((a, b) => byCause(a.causeId, b.causeId) || currencyOrder(a.currencyCode, b.currencyCode));
  const owed = new Map<string | null, bigint>();
  for (const row of totals)
    owed.set(row.currencyCode, (owed.get(row.currencyCode) ?? 0n) + row.roundUpMinor + row.pointsValueMinor);
  const overall = sums.find((row) => row.causeId === null && row.month === null);
  return {
    range,
    months: monthsOf(range),
    rows,
    causes: totals.map(figures),
    owed: [...owed]
      .sort(([a], [b]) => currencyOrder(a, b))
      .map(([currencyCode, amount]) => ({ currencyCode, amount: money(amount, currencyCode) })),
    donors: overall?.donors ?? 0,
    points: totals.reduce((sum, row) => sum + Number(row.points), 0),
  };
}

/** The remittance CSV's records: a header, then one per cause, month and currency with gifts. */
export function givingCsvRecords(report: GivingReport): string[][] {
  return [
    [
      "month",
      "cause_id",
      "cause_name",
      "currency",
      "round_up_amount",
      "points_donated",
      "points_value",
      "total_owed",
      "donors",
    ],
    ...report.rows.map((row) => [
      row.month,
      row.causeId,
      row.name ?? "",
      row.currencyCode ?? "",
      row.roundUp,
      String(row.points),
      row.pointsValue,
      row.owed,
      String(row.donors),
    ]),
  ];
}
