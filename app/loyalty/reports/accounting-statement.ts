import type { Program } from "~/loyalty/program/program";
import { minorUnitDigits } from "~/money/currency";
import { toMinorUnits } from "~/money/money";
import { ISSUED_SOURCES, REDEEMED_USES, type RollForwardMonth } from "./accounting";
import { liabilityBasis, liabilityMinorUnits } from "./liability";

/**
 * The roll-forward as the merchant's accountant reads it (issue 25, docs/accounting.md): a row per
 * line, a column per month and the range's total, in points and in money at the stated value per
 * point. Pure: the page, its print and the CSV show the same figures.
 */

/** What a point is worth: the merchant's stated value, or the catalog's best rate (a reward's). */
export interface PointValueBasis {
  points: number;
  /** In minor units of the shop's currency. */
  amountMinorUnits: number;
  /** Null: the merchant's value (`accounting.pointValue`); else the reward whose rate it is. */
  reward: { id: string; name: string } | null;
}

export function pointValueBasis(program: Program, currencyCode: string | null): PointValueBasis | null {
  const stated = program.accounting.pointValue;
  if (stated) {
    // Program amounts are decimals of at most two places: their text is exact.
    const amountMinorUnits = Number(toMinorUnits(stated.amount.toFixed(2), minorUnitDigits(currencyCode)));
    return { points: stated.points, amountMinorUnits, reward: null };
  }
  const best = liabilityBasis(program, currencyCode);
  return (
    best && {
      points: best.points,
      amountMinorUnits: best.amountMinorUnits,
      reward: { id: best.rewardId, name: best.rewardName },
    }
  );
}

export const STATEMENT_LINES = [
  "opening",
  ...ISSUED_SOURCES.map((source) => `issued_${source}` as const),
  ...REDEEMED_USES.map((use) => `redeemed_${use}` as const),
  "reversed",
  "returned",
  "expired",
  "adjusted",
  "closing",
] as const;
export type StatementLine = (typeof STATEMENT_LINES)[number];

export interface StatementRow {
  line: StatementLine;
  /** Per month of the range, then `total`: flows are summed, opening and closing are the range's. */
  points: number[];
  total: number;
  /** The same at the basis, as decimal text in the shop's currency ("12.50"); null without a basis. */
  amounts: string[] | null;
  totalAmount: string | null;
}

export interface AccountingStatement {
  range: { from: string; to: string };
  months: string[];
  currencyCode: string | null;
  basis: PointValueBasis | null;
  rows: StatementRow[];
}

function linePoints(month: RollForwardMonth, line: StatementLine): number {
  if (line.startsWith("issued_")) return month.issued[line.slice(7) as keyof RollForwardMonth["issued"]];
  if (line.startsWith("redeemed_")) return month.redeemed[line.slice(9) as keyof RollForwardMonth["redeemed"]];
  return month[line as "opening" | "reversed" | "returned" | "expired" | "adjusted" | "closing"];
}

/** Minor units as decimal text with the currency's digits (two when Shopify did not say which currency). */
export function decimalText(minorUnits: number, digits: number): string {
  const text = String(Math.abs(minorUnits)).padStart(digits + 1, "0");
  const sign = minorUnits < 0 ? "-" : "";
  return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * Each cell valued on its own (rounded half up once, away from zero for negative adjustments), so
 * a cell's amount is what its points are worth; the column's amounts may differ by a minor unit
 * from the closing's when several cells rounded.
 */
export function accountingStatement(
  range: { from: string; to: string },
  months: RollForwardMonth[],
  basis: PointValueBasis | null,
  currencyCode: string | null,
): AccountingStatement {
  const digits = minorUnitDigits(currencyCode);
  const value = (points: number) =>
    basis ? decimalText(Math.sign(points) * liabilityMinorUnits(Math.abs(points), basis), digits) : null;
  const rows = STATEMENT_LINES.map((line): StatementRow => {
    const points = months.map((month) => linePoints(month, line));
    const total =
      line === "opening"
        ? (points[0] ?? 0)
        : line === "closing"
          ? (points.at(-1) ?? 0)
          : points.reduce((sum, cell) => sum + cell, 0);
    return {
      line,
      points,
      total,
      amounts: basis ? points.map((cell) => value(cell)!) : null,
      totalAmount: value(total),
    };
  });
  return { range, months: months.map((month) => month.month), currencyCode, basis, rows };
}

/** How the CSV and the page state the basis: "100 points = 1.00 EUR". */
export function basisText(statement: AccountingStatement): string | null {
  const { basis, currencyCode } = statement;
  if (!basis) return null;
  const amount = decimalText(basis.amountMinorUnits, minorUnitDigits(currencyCode));
  return `${basis.points} points = ${amount}${currencyCode ? ` ${currencyCode}` : ""}`;
}

/** The CSV's records: the basis first, a header, then one per month and line with its points and amount. */
export function accountingCsvRecords(statement: AccountingStatement): string[][] {
  const stated = basisText(statement);
  const basisRecord = !statement.basis
    ? ["valued_at", "", "no reward has a money value and no value per point is set"]
    : [
        "valued_at",
        stated!,
        statement.basis.reward
          ? `the catalog's best rate: reward ${statement.basis.reward.name}`
          : "the merchant's value",
      ];
  return [
    basisRecord,
    ["month", "line", "points", "amount", "currency"],
    ...statement.months.flatMap((month, index) =>
      statement.rows.map((row) => [
        month,
        row.line,
        String(row.points[index]),
        row.amounts?.[index] ?? "",
        statement.currencyCode ?? "",
      ]),
    ),
  ];
}
