import { z } from "zod";

// Only the fields Tally reads; Shopify sends more, and unknown fields are ignored.
/** A Shopify numeric id as a string. Not `.int()`: zod refuses integers past 2^53, which
 * Shopify's example payloads carry. */
export const shopifyId = z.union([z.number().nonnegative(), z.string().regex(/^\d+$/)]).transform((id) =>
  typeof id === "number" ? BigInt(Math.trunc(id)).toString() : id,
);

export const scopesUpdatePayload = z.object({
  previous: z.array(z.string()),
  current: z.array(z.string()),
});

export const customersDataRequestPayload = z.object({
  shop_domain: z.string(),
  customer: z.object({ id: shopifyId }),
  orders_requested: z.array(shopifyId).default([]),
  data_request: z.object({ id: shopifyId }).optional(),
});

export const customersRedactPayload = z.object({
  shop_domain: z.string(),
  customer: z.object({ id: shopifyId, email: z.string().nullable().optional() }),
  orders_to_redact: z.array(shopifyId).default([]),
});

export const shopRedactPayload = z.object({
  shop_domain: z.string(),
});
