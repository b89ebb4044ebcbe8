import type { TierLevel, Tiers } from "./program";

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

/** The highest tier whose threshold the metric reaches. */
export function qualifyingTier(levels: TierLevel[], metric: number): TierLevel | null {
  let reached: TierLevel | null = null;
  for (const level of levels) if (metric >= level.threshold) reached = level;
  return reached;
}

export type EvaluationCause = "earn" | "refund" | "period";

export interface TierState {
  tierId: string | null;
  heldUntil: Date | null;
}

export function decideTier(tiers: Tiers, current: TierState, metric: number, now: Date, cause: EvaluationCause): TierState {
  const rank = (tierId: string | null) => (tierId === null ? -1 : tiers.levels.findIndex((level) => level.id === tierId));
  const qualified = qualifyingTier(tiers.levels, metric);
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
