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

export type EvaluationCause = "earn" | "refund" | "period";

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
