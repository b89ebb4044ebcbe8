import type { TierLevel, Tiers } from "~/loyalty/program/program";

/**
 * VIP tiers: pure rules. A member's tier follows the program's metric over its period, with
 * retention (keep the tier through the next period after falling below) and a choice whether a
 * refund may demote at once.
 */

const DAY_MS = 86_400_000;

/** Where the qualification period starts (null: all time). */
export function periodStart(period: Tiers["period"], now: Date): Date | null {
  if (period === "lifetime") return null;
  if (period === "calendar_year") return new Date(Date.UTC(now.getUTCFullYear(), 0, 1));
  return new Date(now.getTime() - 365 * DAY_MS);
}

/** Until when a tier reached (or re-qualified for) at `now` is kept: the end of the next period. */
export function keptUntil(tiers: Tiers, now: Date): Date | null {
  if (tiers.retention === "none" || tiers.period === "lifetime") return null;
  if (tiers.period === "calendar_year") return new Date(Date.UTC(now.getUTCFullYear() + 2, 0, 1));
  return new Date(now.getTime() + 365 * DAY_MS);
}

/**
 * Tier metrics are integers: points, orders, or money spent in thousandths of a currency unit
 * (exact for every currency's minor unit, JPY to KWD) — never a float sum of amounts.
 */
export const AMOUNT_METRIC_DIGITS = 3;

/** A tier threshold (points, orders or currency units as the merchant typed it) in the metric's integer units. */
export function thresholdInMetricUnits(metric: Tiers["metric"], threshold: number): number {
  return metric === "amount_spent" ? Math.round(threshold * 10 ** AMOUNT_METRIC_DIGITS) : Math.ceil(threshold);
}

/** A metric value as the shopper reads it: points, orders or currency units. */
export function metricForDisplay(metric: Tiers["metric"], value: number): number {
  return metric === "amount_spent" ? value / 10 ** AMOUNT_METRIC_DIGITS : value;
}

/** The highest tier whose threshold the metric reaches. */
export function qualifyingTier(tiers: Pick<Tiers, "levels" | "metric">, metric: number): TierLevel | null {
  let reached: TierLevel | null = null;
  for (const level of tiers.levels)
    if (metric >= thresholdInMetricUnits(tiers.metric, level.threshold)) reached = level;
  return reached;
}

/** What moved a member: an order or action, a refund, the periodic pass, or a tier given by Flow (a comp). */
export type EvaluationCause = "earn" | "refund" | "period" | "comp";

export interface TierState {
  tierId: string | null;
  heldUntil: Date | null;
}

export function decideTier(
  tiers: Tiers,
  current: TierState,
  metric: number,
  now: Date,
  cause: EvaluationCause,
): TierState {
  const rank = (tierId: string | null) =>
    tierId === null ? -1 : tiers.levels.findIndex((level) => level.id === tierId);
  const qualified = qualifyingTier(tiers, metric);
  const currentRank = rank(current.tierId);
  if (qualified && rank(qualified.id) >= currentRank) {
    return { tierId: qualified.id, heldUntil: keptUntil(tiers, now) };
  }
  if (currentRank < 0) return { tierId: null, heldUntil: null };
  const refundMayNotDemote = cause === "refund" && !tiers.refundsDemote;
  const retained = current.heldUntil !== null && now < current.heldUntil;
  if (refundMayNotDemote || retained) return current;
  return { tierId: qualified?.id ?? null, heldUntil: qualified ? keptUntil(tiers, now) : null };
}

/**
 * A member's whole tier state: the tier they hold (`tierId`, what perks, multipliers and tags
 * read), the retention of the tier they earned, and a tier given until a date (a comp) with the
 * earned tier underneath it while it lasts.
 */
export interface MemberTierState extends TierState {
  compTierId: string | null;
  compTierUntil: Date | null;
  /** While a comp is recorded: the tier earned under it (tierId is then the higher of the two). */
  earnedTierId: string | null;
}

/**
 * decideTier with comps: the earned tier follows the rules as if no comp existed; the member holds
 * the higher of it and the comp while the comp lasts (a comp on a tier the program no longer has
 * counts for nothing); once the comp has ended it is cleared and the member holds the earned tier.
 */
export function decideMemberTier(
  tiers: Tiers,
  current: MemberTierState,
  metric: number,
  now: Date,
  cause: EvaluationCause,
): MemberTierState {
  if (!tiers.levels.length) {
    return { tierId: null, heldUntil: null, compTierId: null, compTierUntil: null, earnedTierId: null };
  }
  const rank = (tierId: string | null) =>
    tierId === null ? -1 : tiers.levels.findIndex((level) => level.id === tierId);
  const comped = current.compTierId !== null;
  const earnedNow: TierState = { tierId: comped ? current.earnedTierId : current.tierId, heldUntil: current.heldUntil };
  const earned = decideTier(tiers, earnedNow, metric, now, cause === "comp" ? "earn" : cause);
  const compLasts =
    comped && current.compTierUntil !== null && now < current.compTierUntil && rank(current.compTierId) >= 0;
  if (!compLasts) return { ...earned, compTierId: null, compTierUntil: null, earnedTierId: null };
  return {
    tierId: rank(current.compTierId) > rank(earned.tierId) ? current.compTierId : earned.tierId,
    heldUntil: earned.heldUntil,
    compTierId: current.compTierId,
    compTierUntil: current.compTierUntil,
    earnedTierId: earned.tierId,
  };
}

/** Whether two tier states are the same (nothing to write). */
export function sameTierState(a: MemberTierState, b: MemberTierState): boolean {
  const time = (date: Date | null) => date?.getTime() ?? null;
  return (
    a.tierId === b.tierId &&
    time(a.heldUntil) === time(b.heldUntil) &&
    a.compTierId === b.compTierId &&
    time(a.compTierUntil) === time(b.compTierUntil) &&
    a.earnedTierId === b.earnedTierId
  );
}

/** A comp given now: the state to evaluate from (the earned tier kept underneath a comp already running). */
export function withComp(current: MemberTierState, compTierId: string, until: Date): MemberTierState {
  return {
    ...current,
    earnedTierId: current.compTierId !== null ? current.earnedTierId : current.tierId,
    compTierId,
    compTierUntil: until,
  };
}
