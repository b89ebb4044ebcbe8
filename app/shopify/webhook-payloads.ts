import { z } from "zod";

// Only the fields Tally reads; Shopify sends more, and unknown fields are ignored.
/** A Shopify numeric id as a string. Not `.int()`: zod refuses integers past 2^53, which
 * Shopify's example payloads carry; `1.5` or `-1` is no id. */
export const shopifyId = z
  .union([
    z.number().nonnegative().refine(Number.isInteger, "an id is a whole number"),
    z.string().regex(/^\d{1,20}$/, "an id is a whole number"),
  ])
  .transform((id) => (typeof id === "number" ? BigInt(id).toString() : id));

/** A Shopify GraphQL id of the given type, e.g. `gid://shopify/Customer/42`. */
export const shopifyGid = (type: string) =>
  z.string().regex(new RegExp(`^gid://shopify/${type}/\\d{1,20}$`), `a ${type} gid`);

/** A moment as Shopify writes it (ISO 8601 with an offset); "not-a-date" is a 400, never an Invalid Date. */
export const shopifyTimestamp = z.iso.datetime({ offset: true });

/** Bounds on what one payload may carry: far above any real order, far below a memory attack. */
export const MAX_LINES = 2_000;
export const MAX_ENTRIES = 250;
export const MAX_TEXT = 1_000;

export const scopesUpdatePayload = z.object({
  previous: z.array(z.string().max(100)).max(MAX_ENTRIES),
  current: z.array(z.string().max(100)).max(MAX_ENTRIES),
});

export const customersDataRequestPayload = z.object({
  shop_domain: z.string(),
  customer: z.object({ id: shopifyId }),
  orders_requested: z
    .array(shopifyId)
    .max(MAX_LINES * 10)
    .default([]),
  data_request: z.object({ id: shopifyId }).optional(),
});

export const customersRedactPayload = z.object({
  shop_domain: z.string(),
  customer: z.object({ id: shopifyId, email: z.string().max(MAX_TEXT).nullable().optional() }),
  orders_to_redact: z
    .array(shopifyId)
    .max(MAX_LINES * 10)
    .default([]),
});

export const shopRedactPayload = z.object({
  shop_domain: z.string(),
});

const subscriptionStatus = z.preprocess(
  (status) => (typeof status === "string" ? status.toUpperCase() : status),
  z.enum(["PENDING", "ACCEPTED", "ACTIVE", "DECLINED", "EXPIRED", "FROZEN", "CANCELLED"]),
);

/** An amount of money as the billing webhooks write it: decimal text, or a number. */
const billingAmount = z
  .union([z.string(), z.number().nonnegative()])
  .transform((amount) => String(amount))
  .refine((amount) => /^\d{1,12}(\.\d{1,4})?$/.test(amount), "an amount of money");

/** app_subscriptions/update: a subscription of this app changed status (approved, declined, cancelled, frozen…). */
export const appSubscriptionUpdatePayload = z.object({
  app_subscription: z.object({
    admin_graphql_api_id: shopifyGid("AppSubscription"),
    admin_graphql_api_shop_id: shopifyGid("Shop").optional(),
    status: subscriptionStatus,
  }),
});

/** app_subscriptions/approaching_capped_amount: the usage balance crossed 90% of the cap. */
export const appSubscriptionCapPayload = z.object({
  app_subscription: z.object({
    admin_graphql_api_id: shopifyGid("AppSubscription"),
    admin_graphql_api_shop_id: shopifyGid("Shop").optional(),
    balance_used: billingAmount,
    capped_amount: billingAmount,
    currency_code: z.string().regex(/^[A-Z]{3}$/, "a currency code"),
  }),
});

/**
 * customers_email_marketing_consent/update: a customer's email marketing consent changed. Since
 * API 2025-01 this topic alone carries the consent (customers/create and customers/update no
 * longer do). States: subscribed, not_subscribed, pending, unsubscribed, redacted, invalid.
 */
export const emailMarketingConsentPayload = z
  .object({
    customer_id: shopifyId,
    email_address: z.string().max(MAX_TEXT).nullable().optional(),
    email_marketing_consent: z.object({
      state: z.string().max(50),
      opt_in_level: z.string().max(50).nullable().optional(),
      consent_updated_at: shopifyTimestamp.nullable().optional(),
    }),
  })
  .transform((consent) => ({
    customerId: consent.customer_id,
    subscribed: consent.email_marketing_consent.state.toLowerCase() === "subscribed",
  }));
