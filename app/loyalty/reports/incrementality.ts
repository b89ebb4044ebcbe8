/**
 * The incrementality estimate (issue 25, docs/roi.md "Holdout and incrementality"), the pure part:
 * what the sums app/loyalty/reports/incrementality.server.ts reads add up to. Every figure comes
 * with its sample and a 95% interval (a normal approximation); none is a multiplier. Money is in
 * integer minor units of its currency, rates are fractions (0.25 is 25%).
 */

/** The normal distribution's 97.5th percentile: a 95% interval is the estimate ± this × its standard error. */
export const Z_95 = 1.959963984540054;
/** Deliveries arrive up to a day late: a customer's window opens a day before Tally first saw them. */
export const LATE_DELIVERY_DAYS = 1;

/** An estimate and its 95% interval; the interval is null when the sample is too small to have one. */
export interface Estimate {
  estimate: number;
  low: number | null;
  high: number | null;
}

/** One group's sums over its customers: how many, Σx and Σx². */
export interface Sums {
  n: number;
  sum: number;
  sumOfSquares: number;
}

/** The sample variance from Σx and Σx² (null below two values; never negative from rounding). */
function variance({ n, sum, sumOfSquares }: Sums): number | null {
  if (n < 2) return null;
  return Math.max(0, (sumOfSquares - (sum * sum) / n) / (n - 1));
}

const interval = (estimate: number, standardError: number | null): Estimate =>
  standardError === null
    ? { estimate, low: null, high: null }
    : { estimate, low: estimate - Z_95 * standardError, high: estimate + Z_95 * standardError };

/** Mean of `treated` minus mean of `control`, with Welch's standard error; null when a group is empty. */
export function differenceOfMeans(treated: Sums, control: Sums): Estimate | null {
  if (treated.n === 0 || control.n === 0) return null;
  const [treatedVariance, controlVariance] = [variance(treated), variance(control)];
  const standardError =
    treatedVariance === null || controlVariance === null
      ? null
      : Math.sqrt(treatedVariance / treated.n + controlVariance / control.n);
  return interval(treated.sum / treated.n - control.sum / control.n, standardError);
}

/** Share of `treated` minus share of `control` (unpooled standard error); null when a group is empty. */
export function differenceOfProportions(
  treated: { n: number; hits: number },
  control: { n: number; hits: number },
): Estimate | null {
  if (treated.n === 0 || control.n === 0) return null;
  const [p1, p2] = [treated.hits / treated.n, control.hits / control.n];
  const standardError =
    treated.n < 2 || control.n < 2 ? null : Math.sqrt((p1 * (1 - p1)) / treated.n + (p2 * (1 - p2)) / control.n);
  return interval(p1 - p2, standardError);
}

/** The mean of paired differences d (Σd, Σd² over n pairs) with its standard error; null with no pairs. */
export function meanOfDifferences(differences: Sums): Estimate | null {
  if (differences.n === 0) return null;
  const spread = variance(differences);
  return interval(differences.sum / differences.n, spread === null ? null : Math.sqrt(spread / differences.n));
}

/** A money estimate in whole minor units. */
const inMinorUnits = (value: Estimate | null): Estimate | null =>
  value && {
    estimate: Math.round(value.estimate),
    low: value.low === null ? null : Math.round(value.low),
    high: value.high === null ? null : Math.round(value.high),
  };

/** Where the holdout stands: customers it held since it started, those still held, the first hold's end. */
export interface HoldoutStatus {
  heldOut: number;
  stillHeld: number;
  firstHoldEnds: string | null;
}

/** The database's count for one group of the holdout's comparison. */
export interface HoldoutGroupRow {
  held: boolean;
  customers: number;
  /** Customers with two orders or more in their window. */
  repeaters: number;
}

/** The database's money sums for one group and currency: Σ and Σ² of each customer's revenue in it. */
export interface HoldoutMoneyRow {
  held: boolean;
  currencyCode: string | null;
  sum: number;
  sumOfSquares: number;
}

/** The members' sums for one currency: revenue before and after, and Σd, Σd² of d = after − before per member. */
export interface PrePostRow {
  currencyCode: string | null;
  before: number;
  after: number;
  sum: number;
  sumOfSquares: number;
}

export interface MoneyEstimate {
  currencyCode: string | null;
  /** Invited minus held out (holdout), or after minus before (pre/post): minor units per customer. */
  difference: Estimate | null;
}

export interface HoldoutEstimate {
  method: "holdout";
  /** Customers whose window of `days` days has ended, in each group. */
  invited: number;
  heldOut: number;
  days: number;
  repeatRate: { invited: number; heldOut: number; difference: Estimate | null };
  revenuePerCustomer: (MoneyEstimate & { invited: number; heldOut: number })[];
}

export interface PrePostEstimate {
  method: "pre_post";
  /** Members who joined in the range with `days` days after joining observed. */
  members: number;
  days: number;
  revenuePerMember: (MoneyEstimate & { before: number; after: number })[];
}

export type IncrementalityEstimate = HoldoutEstimate | PrePostEstimate;

/** The least customers in each group for the holdout's comparison to stand in for the pre/post one. */
export const MIN_GROUP = 2;

/**
 * The holdout's comparison: customers first seen while it ran, held out against invited, over
 * their first `days` days. Null when a group has fewer than MIN_GROUP customers with ended windows.
 */
export function holdoutEstimate(
  groups: HoldoutGroupRow[],
  money: HoldoutMoneyRow[],
  days: number,
): HoldoutEstimate | null {
  const group = (held: boolean) => groups.find((row) => row.held === held) ?? { held, customers: 0, repeaters: 0 };
  const [invited, heldOut] = [group(false), group(true)];
  if (invited.customers < MIN_GROUP || heldOut.customers < MIN_GROUP) return null;
  const currencies = [...new Set(money.map((row) => row.currencyCode))].sort((a, b) =>
    (a ?? "").localeCompare(b ?? ""),
  );
  const sums = (held: boolean, currencyCode: string | null): Sums => {
    const row = money.find((entry) => entry.held === held && entry.currencyCode === currencyCode);
    // Customers without an order in this currency count with zero revenue in it.
    return { n: group(held).customers, sum: row?.sum ?? 0, sumOfSquares: row?.sumOfSquares ?? 0 };
  };
  return {
    method: "holdout",
    invited: invited.customers,
    heldOut: heldOut.customers,
    days,
    repeatRate: {
      invited: invited.repeaters / invited.customers,
      heldOut: heldOut.repeaters / heldOut.customers,
      difference: differenceOfProportions(
        { n: invited.customers, hits: invited.repeaters },
        { n: heldOut.customers, hits: heldOut.repeaters },
      ),
    },
    revenuePerCustomer: currencies.map((currencyCode) => {
      const [treated, control] = [sums(false, currencyCode), sums(true, currencyCode)];
      return {
        currencyCode,
        invited: Math.round(treated.sum / treated.n),
        heldOut: Math.round(control.sum / control.n),
        difference: inMinorUnits(differenceOfMeans(treated, control)),
      };
    }),
  };
}

/**
 * The pre/post comparison: the same members' revenue in the `days` days after joining against the
 * `days` before — an association, not the program's effect.
 */
export function prePostEstimate(members: number, rows: PrePostRow[], days: number): PrePostEstimate {
  return {
    method: "pre_post",
    members,
    days,
    revenuePerMember: [...rows]
      .sort((a, b) => (a.currencyCode ?? "").localeCompare(b.currencyCode ?? ""))
      .map((row) => ({
        currencyCode: row.currencyCode,
        before: members ? Math.round(row.before / members) : 0,
        after: members ? Math.round(row.after / members) : 0,
        difference: inMinorUnits(meanOfDifferences({ n: members, sum: row.sum, sumOfSquares: row.sumOfSquares })),
      })),
  };
}
