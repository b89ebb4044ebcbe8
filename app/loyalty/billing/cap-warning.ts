import { BILLING_PLAN, capLevel } from "./plan";

/** Minor units of one subscription's currency: what is used of its cap in the current period. */
export interface CapUse {
  balanceUsed: number;
  cappedAmount: number;
}

type Warning = (typeof BILLING_PLAN.warnAt)[number];

/** The highest warning share a use has reached: at the cap itself the 90% warning is still the one owed. */
function warningReached(use: CapUse): Warning | 0 {
  const level = capLevel(use.balanceUsed, use.cappedAmount);
  return level === 100 ? BILLING_PLAN.warnAt[BILLING_PLAN.warnAt.length - 1]! : level;
}

/**
 * The warning a new balance owes the merchant: the highest share (75, 90) reached now and not
 * before, or null. A balance that falls (a new period, a raised cap) owes none.
 */
export function capWarningCrossed(before: CapUse, after: CapUse): Warning | null {
  const reached = warningReached(after);
  return reached && reached > warningReached(before) ? reached : null;
}
