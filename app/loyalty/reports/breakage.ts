import { minorUnitDigits } from "~/money/currency";
import { decimalText, type AccountingStatement } from "./accounting-statement";
import { liabilityMinorUnits } from "./liability";

/**
 * Breakage (issue 25, docs/accounting.md#breakage): the share of issued points that expired
 * unredeemed, by cohort — the month (UTC) their lots were written — and the outstanding points net
 * of the breakage expected of them. An estimate for the merchant's accountant. Pure: the SQL sums
 * live in breakage.server.ts.
 */

/** A cohort's sums as the database adds them up (points). */
export interface CohortSums {
  /** "2026-01" (UTC). */
  month: string;
  /** Points issued: the lots' amounts, less points given back (a redemption's) or moved (a merge). */
  issued: number;
  /** Points that expired from the cohort's lots. */
  expired: number;
  /** Points still in the cohort's lots, spendable or held. */
  outstanding: number;
}

export interface BreakageCohort extends CohortSums {
  /** What left the lots other than by expiry — redeemed, reversed, moved — net of points that came back. */
  spent: number;
  /** Nothing of the cohort is outstanding any more: its breakage is known. */
  settled: boolean;
  /** Expired ÷ issued; null when nothing was issued. */
  breakageRate: number | null;
}

export function breakageCohort(sums: CohortSums): BreakageCohort {
  return {
    ...sums,
    spent: sums.issued - sums.expired - sums.outstanding,
    settled: sums.outstanding === 0,
    breakageRate: sums.issued > 0 ? sums.expired / sums.issued : null,
  };
}

/** The rate from the settled cohorts: Σ expired ÷ Σ issued; null when no settled cohort issued anything. */
export interface BreakageRate {
  settledCohorts: number;
  issued: number;
  expired: number;
  rate: number | null;
  /** 1 − rate. */
  expectedRedemptionRate: number | null;
}

export function breakageRate(cohorts: readonly BreakageCohort[]): BreakageRate {
  const settled = cohorts.filter((cohort) => cohort.settled);
  const issued = settled.reduce((sum, cohort) => sum + cohort.issued, 0);
  const expired = settled.reduce((sum, cohort) => sum + cohort.expired, 0);
  const rate = issued > 0 ? expired / issued : null;
  return {
    settledCohorts: settled.length,
    issued,
    expired,
    rate,
    expectedRedemptionRate: rate === null ? null : 1 - rate,
  };
}

/**
 * Outstanding points net of expected breakage: points × (issued − expired) ÷ issued of the settled
 * cohorts, computed exactly and rounded half up once. Null when no rate can be estimated.
 */
export function pointsNetOfBreakage(points: number, rate: BreakageRate): number | null {
  if (rate.rate === null) return null;
  const numerator = 2n * BigInt(points) * BigInt(rate.issued - rate.expired) + BigInt(rate.issued);
  return Number(numerator / (2n * BigInt(rate.issued)));
}

export interface BreakageReport {
  /** The cohorts of the statement's range, oldest first. */
  cohorts: BreakageCohort[];
  /** From every settled cohort of the shop, in the range or before it. */
  rate: BreakageRate;
  /** The range's closing outstanding, gross and net of expected breakage (net null without a rate). */
  liability: {
    grossPoints: number;
    netPoints: number | null;
    /** Decimal text in the shop's currency at the statement's basis; null without a basis (or a rate). */
    grossAmount: string | null;
    netAmount: string | null;
  };
}

/** The breakage section of the accounting page for its statement, from every cohort of the shop. */
export function breakageReport(cohortSums: readonly CohortSums[], statement: AccountingStatement): BreakageReport {
  const cohorts = cohortSums.map(breakageCohort);
  const rate = breakageRate(cohorts);
  const grossPoints = statement.rows.find((row) => row.line === "closing")!.total;
  const netPoints = pointsNetOfBreakage(grossPoints, rate);
  const digits = minorUnitDigits(statement.currencyCode);
  const value = (points: number | null) =>
    statement.basis && points !== null ? decimalText(liabilityMinorUnits(points, statement.basis), digits) : null;
  const { from, to } = statement.range;
  return {
    cohorts: cohorts.filter((cohort) => cohort.month >= from && cohort.month <= to),
    rate,
    liability: { grossPoints, netPoints, grossAmount: value(grossPoints), netAmount: value(netPoints) },
  };
}

/** A rate as the CSV states it: a decimal fraction to four places ("0.7000"), empty when unknown. */
const rateText = (rate: number | null) => (rate === null ? "" : rate.toFixed(4));

/**
 * The CSV's second block, after the roll-forward and an empty record: a header, one record per
 * cohort of the range, then the rate, its basis and the liability gross and net.
 */
export function breakageCsvRecords(report: BreakageReport, currencyCode: string | null): string[][] {
  const { rate, liability } = report;
  return [
    [],
    ["cohort", "issued", "expired", "spent", "outstanding", "breakage_rate", "settled"],
    ...report.cohorts.map((cohort) => [
      cohort.month,
      String(cohort.issued),
      String(cohort.expired),
      String(cohort.spent),
      String(cohort.outstanding),
      rateText(cohort.breakageRate),
      cohort.settled ? "yes" : "no",
    ]),
    [],
    ["measure", "value", "amount", "currency"],
    ["breakage_rate", rateText(rate.rate), "", ""],
    ["expected_redemption_rate", rateText(rate.expectedRedemptionRate), "", ""],
    ["rate_settled_cohorts", String(rate.settledCohorts), "", ""],
    ["rate_issued_points", String(rate.issued), "", ""],
    ["liability_gross", String(liability.grossPoints), liability.grossAmount ?? "", currencyCode ?? ""],
    [
      "liability_net_of_breakage",
      liability.netPoints === null ? "" : String(liability.netPoints),
      liability.netAmount ?? "",
      currencyCode ?? "",
    ],
  ];
}
