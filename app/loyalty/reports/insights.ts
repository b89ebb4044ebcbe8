/**
 * Plain-language insights on the dashboard (issue 25, docs/goals.md), the pure part: which ones the
 * figures app/loyalty/reports/goals.server.ts reads support, and the numbers each one states.
 */

/** Below this many members (or members with points) a median or a share says little. */
export const MIN_MEMBERS = 5;
/** "Never redeemed" is worth saying once at least this share of the members with points have not. */
export const NEVER_REDEEMED_SHARE = 0.25;
/** How far ahead expiring points are counted. */
export const EXPIRY_HORIZON_DAYS = 30;

/** The members' figures the database returns in one statement. */
export interface MemberSums {
  /** Members still linked to a customer. */
  members: number;
  /** The median spendable balance (an actual member's: percentile_disc); null without members. */
  medianBalance: number | null;
  membersWithPoints: number;
  /** Of the members with points, those with no redemption in their ledger. */
  neverRedeemed: number;
}

export type Insight =
  | {
      kind: "reachable_reward";
      cheapestPoints: number;
      medianBalance: number;
      /** A round reward size below the median. */
      suggestedPoints: number;
      /** The share of members holding at least suggestedPoints. */
      reachableShare: number;
    }
  | { kind: "never_redeemed"; members: number; share: number }
  | { kind: "expiring_points"; points: number; members: number; days: number };

/** The largest number with a single non-zero leading digit at or below `points` (210 → 200, 1450 → 1000); null below 10. */
export function roundRewardSize(points: number): number | null {
  if (points < 10) return null;
  const unit = 10 ** (String(Math.floor(points)).length - 1);
  return Math.floor(points / unit) * unit;
}

/**
 * The reward size worth suggesting: only when the cheapest reward costs more than the median
 * member holds, and a round size below the median exists (and is cheaper than the cheapest reward).
 */
export function suggestedRewardSize(sums: MemberSums, cheapestPoints: number | null): number | null {
  if (sums.members < MIN_MEMBERS || sums.medianBalance === null || cheapestPoints === null) return null;
  if (cheapestPoints <= sums.medianBalance) return null;
  const size = roundRewardSize(sums.medianBalance);
  return size !== null && size < cheapestPoints ? size : null;
}

/** The insights the figures support, in the dashboard's order. */
export function insights(input: {
  sums: MemberSums;
  cheapestPoints: number | null;
  /** Members holding at least the suggested size (counted only when there is one). */
  reachableMembers: number | null;
  expiring: { points: number; members: number };
}): Insight[] {
  const { sums, cheapestPoints, reachableMembers, expiring } = input;
  const found: Insight[] = [];
  const suggested = suggestedRewardSize(sums, cheapestPoints);
  if (suggested !== null && cheapestPoints !== null && sums.medianBalance !== null && reachableMembers !== null)
    found.push({
      kind: "reachable_reward",
      cheapestPoints,
      medianBalance: sums.medianBalance,
      suggestedPoints: suggested,
      reachableShare: reachableMembers / sums.members,
    });
  if (sums.membersWithPoints >= MIN_MEMBERS && sums.neverRedeemed / sums.membersWithPoints >= NEVER_REDEEMED_SHARE)
    found.push({
      kind: "never_redeemed",
      members: sums.neverRedeemed,
      share: sums.neverRedeemed / sums.membersWithPoints,
    });
  if (expiring.points > 0)
    found.push({
      kind: "expiring_points",
      points: expiring.points,
      members: expiring.members,
      days: EXPIRY_HORIZON_DAYS,
    });
  return found;
}
