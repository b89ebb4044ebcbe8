import { z } from "zod";
import { isDecimalAmount } from "~/money/money";
import { MAX_ENTRIES, MAX_LINES, MAX_TEXT, shopifyGid, shopifyId, shopifyTimestamp } from "./webhook-payloads";

// Shopify's order, refund and customer webhooks, reduced to what Tally reads. Ids are taken from
// `admin_graphql_api_id` where present: numeric ids can exceed JavaScript's safe integers.
// Every array and string is bounded, ids are whole numbers, timestamps ISO 8601.

const text = z.string().max(MAX_TEXT);

/**
 * An amount as Shopify writes it: non-negative decimal text (a negative discount once awarded
 * 1,010 points on a 10.00 line), kept as text until the order's
 * currency says how many minor units it has (a JSON number, as in older payloads, as it prints).
 */
const amount = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = String(value).trim();
  if (!isDecimalAmount(text)) {
    ctx.addIssue({ code: "custom", message: "not a non-negative decimal amount" });
    return z.NEVER;
  }
  return text;
});
const shopMoney = z.object({ shop_money: z.object({ amount }) });
/** Shop-currency amount: the `_set.shop_money` variant when Shopify sends it. */
const inShopCurrency = (value: { amount?: string; set?: { shop_money: { amount: string } } }) =>
  value.set?.shop_money.amount ?? value.amount ?? "0";

/**
 * A line's amounts as Shopify states them, in the shop's currency: decimal text, read in the
 * order's currency when the line is scored (app/loyalty/points/earning.ts).
 */
export interface LineAmounts {
  lineItemId: string;
  productId: string | null;
  variantId: string | null;
  /** Bought through a subscription (a selling plan, or an order a subscription contract made). */
  subscription: boolean;
  /** The cause a donation line names (its `_tally_cause` property); null on any other line. */
  cause: string | null;
  quantity: number;
  giftCard: boolean;
  unitPrice: string;
  discounts: string[];
  taxes: string[];
}

const currencyCode = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 currency code");

/** The property a donation line carries its cause in (Cart AJAX `properties`, checkout `attributes`). */
export const CAUSE_PROPERTY = "_tally_cause";

/** A line's `_tally_cause` when it is a cause id's shape (the program's slugs); null otherwise. */
export function causeProperty(properties: { key: string; value: unknown }[]): string | null {
  const value = properties.find((property) => property.key === CAUSE_PROPERTY)?.value;
  return typeof value === "string" && /^[a-z0-9_-]{1,50}$/.test(value) ? value : null;
}

export const legacyId = (gid: string | null | undefined): string | undefined => gid?.split("/").pop() || undefined;

const customerRef = z
  .object({
    id: shopifyId,
    admin_graphql_api_id: shopifyGid("Customer").optional(),
    email: text.nullable().optional(),
    first_name: text.nullable().optional(),
    last_name: text.nullable().optional(),
  })
  .transform((c) => ({
    id: legacyId(c.admin_graphql_api_id) ?? c.id,
    email: c.email ?? null,
    firstName: c.first_name || null,
    lastName: c.last_name || null,
  }));

const discountAllocation = z.object({
  amount,
  amount_set: shopMoney.optional(),
  discount_application_index: z.number().int().min(0).max(MAX_ENTRIES).optional(),
});
type DiscountAllocation = z.infer<typeof discountAllocation>;
/** An allocation of one of the order's discount applications: what the order paid less for it. */
interface AppliedDiscount {
  index: number | undefined;
  amount: string;
}
const applied = (allocation: DiscountAllocation): AppliedDiscount => ({
  index: allocation.discount_application_index,
  amount: inShopCurrency({ amount: allocation.amount, set: allocation.amount_set }),
});

const lineItem = z
  .object({
    id: shopifyId,
    admin_graphql_api_id: shopifyGid("LineItem").optional(),
    product_id: shopifyId.nullable().optional(),
    variant_id: shopifyId.nullable().optional(),
    // API 2026-10 and later; earlier versions tell a subscription's orders by their source_name.
    selling_plan_id: shopifyId.nullable().optional(),
    price: amount,
    price_set: shopMoney.optional(),
    quantity: z.number().int().min(0).max(1_000_000),
    gift_card: z.boolean().default(false),
    // Line item properties; the round-up's donation line names its cause in `_tally_cause`.
    properties: z
      .array(z.object({ name: text, value: z.unknown() }))
      .max(MAX_ENTRIES)
      .nullable()
      .default([]),
    discount_allocations: z.array(discountAllocation).max(MAX_ENTRIES).default([]),
    tax_lines: z
      .array(z.object({ price: amount, price_set: shopMoney.optional() }))
      .max(MAX_ENTRIES)
      .default([]),
  })
  .transform((line): LineAmounts & { applied: AppliedDiscount[] } => ({
    lineItemId: legacyId(line.admin_graphql_api_id) ?? line.id,
    productId: line.product_id ?? null,
    variantId: line.variant_id ?? null,
    subscription: Boolean(line.selling_plan_id),
    cause: causeProperty((line.properties ?? []).map((property) => ({ key: property.name, value: property.value }))),
    quantity: line.quantity,
    giftCard: line.gift_card,
    unitPrice: inShopCurrency({ amount: line.price, set: line.price_set }),
    discounts: line.discount_allocations.map((d) => inShopCurrency({ amount: d.amount, set: d.amount_set })),
    taxes: line.tax_lines.map((t) => inShopCurrency({ amount: t.price, set: t.price_set })),
    applied: line.discount_allocations.map(applied),
  }));

/** One allocation of a discount on a line or the shipping, with the discount it comes from. */
interface AllocatedDiscount {
  type: string;
  title?: string | null;
  code?: string | null;
  amount: string;
}

/**
 * What automatic discounts (a tier's or the membership's perks, by title) and discount codes (a
 * reward's, by code) took off the lines and shipping, one entry per allocation in the shop's
 * currency. The reconciliation query (orders-query.server.ts) states the same.
 */
export function discountsTaken(allocations: AllocatedDiscount[]) {
  return {
    automaticDiscounts: allocations.flatMap(({ type, title, amount }) =>
      type === "automatic" ? [{ title: title ?? "", amount }] : [],
    ),
    codeDiscounts: allocations.flatMap(({ type, code, amount }) =>
      type === "discount_code" && code ? [{ code, amount }] : [],
    ),
  };
}

export const paidOrderPayload = z
  .object({
    id: shopifyId,
    admin_graphql_api_id: shopifyGid("Order").optional(),
    name: text.nullable().optional(),
    email: text.nullable().optional(),
    contact_email: text.nullable().optional(),
    test: z.boolean().default(false),
    // The shop's currency: the amounts read here are shop money.
    currency: currencyCode.nullable().optional(),
    taxes_included: z.boolean().default(false),
    created_at: shopifyTimestamp,
    processed_at: shopifyTimestamp.nullable().optional(),
    cancelled_at: shopifyTimestamp.nullable().optional(),
    customer: customerRef.nullable().optional(),
    discount_codes: z
      .array(z.object({ code: text }))
      .max(MAX_ENTRIES)
      .default([]),
    // Cart attributes come through as note attributes; the theme extension sets `_tally_ref`.
    note_attributes: z
      .array(z.object({ name: text, value: z.unknown() }))
      .max(MAX_ENTRIES)
      .default([]),
    phone: text.nullable().optional(),
    shipping_address: z
      .object({
        address1: text.nullable().optional(),
        zip: text.nullable().optional(),
        country_code: text.nullable().optional(),
        phone: text.nullable().optional(),
      })
      .nullable()
      .optional(),
    line_items: z.array(lineItem).max(MAX_LINES),
    // "subscription_contract" (and "subscription_contract_checkout_one"): a subscription app's recurring order.
    source_name: text.nullable().optional(),
    // A `discount_code` application names its code; the others (automatic, manual, script) their title.
    discount_applications: z
      .array(z.object({ type: text, title: text.nullable().optional(), code: text.nullable().optional() }))
      .max(MAX_ENTRIES)
      .default([]),
    shipping_lines: z
      .array(z.object({ discount_allocations: z.array(discountAllocation).max(MAX_ENTRIES).default([]) }))
      .max(MAX_ENTRIES)
      .default([]),
  })
  .transform((order) => ({
    shopifyOrderId: legacyId(order.admin_graphql_api_id) ?? order.id,
    currencyCode: order.currency ?? null,
    name: order.name ?? null,
    email: (order.customer?.email ?? order.email ?? order.contact_email ?? null)?.toLowerCase() || null,
    test: order.test,
    customerId: order.customer?.id ?? null,
    customerName: { firstName: order.customer?.firstName ?? null, lastName: order.customer?.lastName ?? null },
    placedAt: new Date(order.processed_at ?? order.created_at),
    cancelledAt: order.cancelled_at ? new Date(order.cancelled_at) : null,
    discountCodes: order.discount_codes.map((d) => d.code),
    referralCode:
      String(order.note_attributes.find((attribute) => attribute.name === "_tally_ref")?.value ?? "") || null,
    phone: order.phone ?? order.shipping_address?.phone ?? null,
    shippingAddress: order.shipping_address
      ? {
          address1: order.shipping_address.address1 ?? null,
          zip: order.shipping_address.zip ?? null,
          countryCode: order.shipping_address.country_code ?? null,
        }
      : null,
    taxesIncluded: order.taxes_included,
    // Original quantities: refunds, recorded separately, take their share back.
    lines: order.line_items.map(({ applied: _applied, ...line }): LineAmounts => ({
      ...line,
      subscription: line.subscription || Boolean(order.source_name?.startsWith("subscription_contract")),
    })),
    ...discountsTaken(
      [
        ...order.line_items.flatMap((line) => line.applied),
        ...order.shipping_lines.flatMap((line) => line.discount_allocations.map(applied)),
      ].flatMap(({ index, amount }) => {
        const application = index === undefined ? undefined : order.discount_applications[index];
        return application ? [{ ...application, amount }] : [];
      }),
    ),
  }));

/** A paid order as Shopify states it, its lines not yet scored. */
export type ShopifyPaidOrder = z.infer<typeof paidOrderPayload>;

/** A refunded line as Shopify states it: the amount is decimal text, read in the order's currency when the refund is settled. */
export interface RefundLine {
  lineItemId: string;
  /** Units refunded (absent in refunds recorded before it was kept: read as the whole line). */
  quantity?: number;
  subtotal: string;
}

export const refundPayload = z
  .object({
    id: shopifyId,
    admin_graphql_api_id: shopifyGid("Refund").optional(),
    order_id: shopifyId,
    created_at: shopifyTimestamp.optional(),
    refund_line_items: z
      .array(
        z.object({
          line_item_id: shopifyId,
          line_item: z
            .object({ admin_graphql_api_id: shopifyGid("LineItem").optional() })
            .partial()
            .optional(),
          quantity: z.number().int().min(0).max(1_000_000).default(0),
          subtotal: amount.optional(),
          subtotal_set: shopMoney.optional(),
        }),
      )
      .max(MAX_LINES)
      .default([]),
  })
  .transform((refund) => ({
    shopifyRefundId: legacyId(refund.admin_graphql_api_id) ?? refund.id,
    shopifyOrderId: refund.order_id,
    lines: refund.refund_line_items.map((line): RefundLine => ({
      lineItemId: legacyId(line.line_item?.admin_graphql_api_id) ?? line.line_item_id,
      quantity: line.quantity,
      subtotal: inShopCurrency({ amount: line.subtotal, set: line.subtotal_set }),
    })),
  }));

export type Refund = z.infer<typeof refundPayload>;

export const cancelledOrderPayload = z
  .object({
    id: shopifyId,
    admin_graphql_api_id: shopifyGid("Order").optional(),
    cancelled_at: shopifyTimestamp.nullable().optional(),
  })
  .transform((order) => ({
    shopifyOrderId: legacyId(order.admin_graphql_api_id) ?? order.id,
    cancelledAt: order.cancelled_at ? new Date(order.cancelled_at) : new Date(),
  }));

export const customerPayload = z
  .object({
    id: shopifyId,
    admin_graphql_api_id: shopifyGid("Customer").optional(),
    email: text.nullable().optional(),
    first_name: text.nullable().optional(),
    last_name: text.nullable().optional(),
    phone: text.nullable().optional(),
    note: z.string().max(10_000).nullable().optional(),
  })
  .transform((customer) => ({
    customerId: legacyId(customer.admin_graphql_api_id) ?? customer.id,
    email: customer.email?.toLowerCase() || null,
    firstName: customer.first_name ?? null,
    lastName: customer.last_name ?? null,
    phone: customer.phone ?? null,
    // The theme adds `customer[note][tally_ref]` to the sign-up form: Shopify writes it as a note line.
    referralCode: /^tally_ref:\s*([0-9A-Za-z]{4,16})\s*$/m.exec(customer.note ?? "")?.[1] ?? null,
  }));

export type CustomerProfile = z.infer<typeof customerPayload>;

export const customersMergePayload = z
  .object({
    admin_graphql_api_customer_kept_id: shopifyGid("Customer"),
    admin_graphql_api_customer_deleted_id: shopifyGid("Customer"),
    status: text,
  })
  .transform((merge) => ({
    keptCustomerId: legacyId(merge.admin_graphql_api_customer_kept_id)!,
    deletedCustomerId: legacyId(merge.admin_graphql_api_customer_deleted_id)!,
    completed: merge.status === "completed",
  }));
