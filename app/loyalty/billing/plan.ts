/**
 * Tally's price, the app's setting and not the merchant's (docs/decisions/0020-pay-per-reward-used.md):
 * a fixed fee for each reward a shopper uses, nothing for points earned, no base fee, and a cap per
 * 30 days the merchant approves in Shopify. Amounts are minor units of `currencyCode`.
 */
export const BILLING_PLAN = {
  name: "Tally — pay per reward used",
  currencyCode: "USD",
  /** Minor units: 0.20 for each reward used. */
  feePerUse: 20,
  /** Minor units: at most 100.00 per 30 days unless the merchant approves more. */
  defaultCap: 10_000,
  /** The caps the merchant may raise to, in minor units. */
  capChoices: [10_000, 25_000, 50_000, 100_000, 250_000],
  /** Shopify's billing period: the cap applies to each. */
  periodDays: 30,
  /** Shares of the cap (percent) at which the merchant is warned: a banner and a Flow trigger. */
  warnAt: [75, 90],
} as const;

export const SUBSCRIPTION_STATUSES = ["PENDING", "ACTIVE", "DECLINED", "EXPIRED", "FROZEN", "CANCELLED"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const USAGE_CHARGE_STATUSES = ["queued", "billed", "unbilled"] as const;
export type UsageChargeStatus = (typeof USAGE_CHARGE_STATUSES)[number];
export const UNBILLED_REASONS = ["cap_reached", "no_subscription", "refused", "failed"] as const;
export type UnbilledReason = (typeof UNBILLED_REASONS)[number];

/** `2000` cents → "20.00": Shopify's MoneyInput takes a decimal string. */
export function decimalAmount(minorUnits: number, digits = 2): string {
  const negative = minorUnits < 0;
  const text = String(Math.abs(minorUnits)).padStart(digits + 1, "0");
  const units = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return negative ? `-${units}` : units;
}

/** "$0.20", "$100.00": the plan's amounts in words Shopify's confirmation page shows as they are. */
const dollars = (minorUnits: number) => `$${decimalAmount(minorUnits)}`;

/**
 * The usage terms the merchant approves on Shopify's page (English: Shopify shows them verbatim,
 * beside its own page in the merchant's language).
 */
export function usageTerms(cap: number = BILLING_PLAN.defaultCap): string {
  return (
    `${dollars(BILLING_PLAN.feePerUse)} for each loyalty reward a shopper uses (a reward's discount code on a paid order). ` +
    `Earning points is free. At most ${dollars(cap)} every 30 days.`
  );
}

/** What one use is called on the merchant's Shopify bill. */
export function usageDescription(rewardName: string): string {
  return `Loyalty reward used: ${rewardName}`.slice(0, 255);
}

/**
 * How close a cycle's usage is to its cap: the highest warning share reached (75, 90), 100 once
 * another use would no longer fit, or 0.
 */
export function capLevel(balanceUsed: number, cappedAmount: number): 0 | 75 | 90 | 100 {
  if (cappedAmount <= 0 || balanceUsed + BILLING_PLAN.feePerUse > cappedAmount) return 100;
  const [first, second] = BILLING_PLAN.warnAt;
  // Whole-number comparison: balance × 100 ≥ cap × share.
  if (balanceUsed * 100 >= cappedAmount * second) return 90;
  if (balanceUsed * 100 >= cappedAmount * first) return 75;
  return 0;
}

/** Whether shoppers see the program: billing is off for this install, or its plan is active. */
export function shoppersSeeProgram(billing: "on" | "off", subscriptionActive: boolean): boolean {
  return billing === "off" || subscriptionActive;
}

const PERIOD_MS = BILLING_PLAN.periodDays * 86_400_000;

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
