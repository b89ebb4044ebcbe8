/**
 * The points liability as an accountant books it (issue 25, docs/accounting.md): a roll-forward per
 * month — opening outstanding points, what was issued (by source), redeemed (by what the points
 * bought), expired, reversed and adjusted, and the closing — folded from the ledger's sums so that
 * every month's closing is the ledger's outstanding at its end. Pure: the SQL sums live in
 * accounting.server.ts.
 */

/** Where issued points came from. */
export const ISSUED_SOURCES = [
  "orders",
  "bonuses",
  "tiers",
  "referrals",
  "campaigns",
  "partners",
  "actions",
  "imports",
] as const;
export type IssuedSource = (typeof ISSUED_SOURCES)[number];

/** What redeemed points bought. */
export const REDEEMED_USES = ["discounts", "store_credit", "donations"] as const;
export type RedeemedUse = (typeof REDEEMED_USES)[number];

/** A line of the roll-forward an entry's points fall on. */
export type RollForwardLine =
  | { line: "issued"; source: IssuedSource }
  | { line: "redeemed"; use: RedeemedUse }
  /** Points taken back: refunds and cancellations of what earned them, a referral or prize undone. */
  | { line: "reversed" }
  /** A redemption's points given back (its code unused, its store credit not credited). */
  | { line: "returned" }
  | { line: "expired" }
  /** Staff and Flow adjustments, merges (which net to zero across a shop), held points released (zero). */
  | { line: "adjusted" };

/** One group of the ledger's sums: entries of a kind and source (and, for redemptions, the reward's type). */
export interface LedgerSum {
  kind: string;
  sourceType: string | null;
  rewardType: string | null;
  points: number;
}

/** The roll-forward line of an entry, from its kind, its source and what its redemption bought. */
export function rollForwardLine(entry: Omit<LedgerSum, "points">): RollForwardLine {
  switch (entry.kind) {
    case "earn":
      return { line: "issued", source: "orders" };
    case "bonus":
      if (entry.sourceType === "tier") return { line: "issued", source: "tiers" };
      if (entry.sourceType === "referral") return { line: "issued", source: "referrals" };
      if (entry.sourceType === "campaign") return { line: "issued", source: "campaigns" };
      return { line: "issued", source: "bonuses" };
    case "action":
      return { line: "issued", source: "actions" };
    case "partner":
      return { line: "issued", source: "partners" };
    case "import":
      return { line: "issued", source: "imports" };
    case "redeem":
      if (entry.sourceType === "donation") return { line: "redeemed", use: "donations" };
      return { line: "redeemed", use: entry.rewardType === "store_credit" ? "store_credit" : "discounts" };
    case "reverse":
      return entry.sourceType === "redemption" ? { line: "returned" } : { line: "reversed" };
    case "expire":
      return { line: "expired" };
    default:
      // adjust, merge_in, merge_out, release (and any kind added later: it still reconciles).
      return { line: "adjusted" };
  }
}

export interface RollForwardMonth {
  /** "2026-03" (UTC). */
  month: string;
  opening: number;
  issued: Record<IssuedSource, number>;
  issuedTotal: number;
  /** Positive: points spent. */
  redeemed: Record<RedeemedUse, number>;
  redeemedTotal: number;
  /** Positive: points taken back. */
  reversed: number;
  /** Positive: points given back to members. */
  returned: number;
  /** Positive: points that expired. */
  expired: number;
  /** Signed: staff, Flow and merges. */
  adjusted: number;
  closing: number;
}

const zeros = <Key extends string>(keys: readonly Key[]) =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<Key, number>;

/**
 * The months' roll-forward from the outstanding points before the first month and each month's
 * ledger sums: closing = opening + issued − redeemed − reversed + returned − expired + adjusted,
 * and each closing is the next month's opening.
 */
export function rollForward(
  openingPoints: number,
  months: string[],
  sums: ReadonlyMap<string, LedgerSum[]>,
): RollForwardMonth[] {
  let opening = openingPoints;
  return months.map((month) => {
    const row: RollForwardMonth = {
      month,
      opening,
      issued: zeros(ISSUED_SOURCES),
      issuedTotal: 0,
      redeemed: zeros(REDEEMED_USES),
      redeemedTotal: 0,
      reversed: 0,
      returned: 0,
      expired: 0,
      adjusted: 0,
      closing: 0,
    };
    let change = 0;
    for (const sum of sums.get(month) ?? []) {
      change += sum.points;
      const line = rollForwardLine(sum);
      switch (line.line) {
        case "issued":
          row.issued[line.source] += sum.points;
          row.issuedTotal += sum.points;
          break;
        case "redeemed":
          row.redeemed[line.use] -= sum.points;
          row.redeemedTotal -= sum.points;
          break;
        case "reversed":
          row.reversed -= sum.points;
          break;
        case "returned":
          row.returned += sum.points;
          break;
        case "expired":
          row.expired -= sum.points;
          break;
        case "adjusted":
          row.adjusted += sum.points;
          break;
      }
    }
    row.closing = opening + change;
    opening = row.closing;
    return row;
  });
}

/** The months from `from` to `to` inclusive ("2026-01" … "2026-12"), UTC. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  const [fromYear, fromMonth] = from.split("-").map(Number) as [number, number];
  const [toYear, toMonth] = to.split("-").map(Number) as [number, number];
  for (let index = fromYear * 12 + fromMonth - 1; index <= toYear * 12 + toMonth - 1; index++) {
    months.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`);
  }
  return months;
}
