import type { Goal } from "~/loyalty/program/program";
import { rollForwardLine, type LedgerSum } from "./accounting";

/**
 * Program goals (issue 25, docs/goals.md), the pure part: each goal's window, its metric's value
 * from the sums app/loyalty/reports/goals.server.ts reads, its progress and its status.
 */

/** Before its start, a goal waits; then it is judged against the target and the time elapsed. */
export type GoalStatus = "scheduled" | "on_track" | "behind" | "reached" | "missed";

export interface GoalProgress {
  goal: Goal;
  /** The metric over [startsAt, min(endsAt, now)) as a fraction (0.35 is 35%); null with nothing to divide by. */
  value: number | null;
  /** value ÷ target (1 is the target met; it may pass 1); null when value is. */
  progress: number | null;
  /** The share of the goal's dates that has passed, 0 to 1. */
  elapsed: number;
  status: GoalStatus;
}

/** The instants a goal's figures cover: from its start to its end or now, whichever comes first (empty before it starts). */
export function goalWindow(goal: Goal, now: Date): { start: Date; end: Date } {
  const start = new Date(goal.startsAt);
  const endsAt = new Date(goal.endsAt);
  const end = endsAt < now ? endsAt : now;
  return { start, end: end > start ? end : start };
}

/** The database's order counts for one goal's window. */
export interface GoalOrderSums {
  /** Members who placed at least one counted order while members, and those with two or more. */
  buyers: number;
  repeaters: number;
  /** Paid order amounts (eligibleCents) per currency: by members, and by everyone (customers and guests). */
  money: { currencyCode: string | null; memberMinor: bigint; allMinor: bigint }[];
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** Members with two orders or more ÷ members with one or more: the ROI page's members' repeat rate. */
export const repeatRate = (sums: GoalOrderSums) => ratio(sums.repeaters, sums.buyers);

/** Members' share of the paid order amount in the shop's currency (other currencies are not converted). */
export function memberRevenueShare(sums: GoalOrderSums, currencyCode: string | null): number | null {
  const row = sums.money.find((entry) => entry.currencyCode === currencyCode);
  if (!row || row.allMinor <= 0n) return null;
  return Number(row.memberMinor) / Number(row.allMinor);
}

/** Points issued in the window: the roll-forward's "issued" lines (earned, bonuses, actions, partners, imports). */
export const issuedPoints = (sums: LedgerSum[]) =>
  sums.filter((sum) => rollForwardLine(sum).line === "issued").reduce((total, sum) => total + sum.points, 0);

/** Points redeemed in the window, net of those given back for a redemption that failed or went unused. */
export const redeemedPoints = (sums: LedgerSum[]) =>
  sums.reduce((total, sum) => {
    const { line } = rollForwardLine(sum);
    return line === "redeemed" || line === "returned" ? total - sum.points : total;
  }, 0);

/** Points redeemed ÷ points issued in the window. */
export const redemptionRate = (sums: LedgerSum[]) => ratio(redeemedPoints(sums), issuedPoints(sums));

/**
 * The status: `reached` once the value meets the target; `missed` when the goal ended short of it;
 * `scheduled` before it starts; otherwise `on_track` when progress keeps pace with the time elapsed
 * (at 40% of the dates, at least 40% of the target), else `behind`.
 */
export function goalStatus(progress: number | null, elapsed: number, now: Date, goal: Goal): GoalStatus {
  if (now < new Date(goal.startsAt)) return "scheduled";
  // A hair under 1 still meets the target: 0.35 ÷ 0.35 may land an ulp short in floating point.
  if (progress !== null && progress >= 1 - 1e-9) return "reached";
  if (now >= new Date(goal.endsAt)) return "missed";
  return (progress ?? 0) >= elapsed ? "on_track" : "behind";
}

/** The share of [startsAt, endsAt) that has passed at `now`, 0 to 1. */
export function elapsedShare(goal: Goal, now: Date): number {
  const start = Date.parse(goal.startsAt);
  const share = (now.getTime() - start) / (Date.parse(goal.endsAt) - start);
  return Math.min(1, Math.max(0, share));
}

/** A goal's value (the metric as a fraction), progress and status. */
export function goalProgress(goal: Goal, value: number | null, now: Date): GoalProgress {
  const progress = value === null ? null : value / (goal.target / 10_000);
  const elapsed = elapsedShare(goal, now);
  return { goal, value, progress, elapsed, status: goalStatus(progress, elapsed, now, goal) };
}
