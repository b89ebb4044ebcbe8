/**
 * A referral's stored status and how it was attributed, one list each, shared by the code and
 * its SQL. The database checks both (test/stored-values.test.ts keeps the lists equal to the
 * CHECK constraints): a new value is a new migration that widens them.
 */
export const REFERRAL_STATUSES = [
  "awaiting_order",
  "qualifying",
  "held",
  "capped",
  "void",
  "rejected",
  "rewarded",
  "reversed",
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export const REFERRAL_SOURCES = ["cart_attribute", "discount_code", "signup"] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];
