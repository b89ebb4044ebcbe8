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

const PERIOD_MS = 30 * 86_400_000;

/**
 * The end of the 30-day billing period `now` falls in. Shopify's currentPeriodEnd as last stored,
 * rolled on by whole periods once it has passed (a record in a new period arrives before Tally
 * hears of its end); before the first period is known, counted from the subscription's creation.
 */
export function billingPeriodEnd(subscription: { currentPeriodEnd: Date | null; createdAt: Date }, now: Date): Date {
  const anchor = (subscription.currentPeriodEnd ?? subscription.createdAt).getTime();
  if (now.getTime() < anchor) return new Date(anchor);
  return new Date(anchor + (Math.floor((now.getTime() - anchor) / PERIOD_MS) + 1) * PERIOD_MS);
}
