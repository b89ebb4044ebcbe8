// `npm run demo:order -- [customerId] [subtotal] [discountCode]`: Shopify's orders/paid webhook for
// a sandbox customer, signed with the sandbox app's secret, sent to the running demo. With a
// reward's code, the order used it: the billing page shows the use's charge.
import { randomInt } from "node:crypto";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import { demoAddress, fetchFromDemo } from "../sandbox/demo-address";
import { pointsApplied } from "../sandbox/deliveries";
import { paidOrderPayload } from "../sandbox/demo-orders";
import { SANDBOX, SANDBOX_CUSTOMERS } from "../sandbox/sandbox-shop";
import { signedWebhookRequest } from "../sandbox/signing";

const appUrl = demoAddress();
const customer = SANDBOX_CUSTOMERS.find((c) => String(c.id) === process.argv[2]) ?? SANDBOX_CUSTOMERS[0]!;
const subtotal = Number(process.argv[3] ?? 120).toFixed(2);
const discountCode = process.argv[4];
const orderId = randomInt(5_000_000_000, 6_000_000_000);
const payload = paidOrderPayload({ id: orderId, customer, subtotal, currencyCode: SANDBOX.currencyCode, discountCode });

const request = signedWebhookRequest(
  `${appUrl}/webhooks/orders/paid`,
  { topic: "orders/paid", shop: SANDBOX.shop, payload, apiVersion: ADMIN_API_VERSION },
  SANDBOX.apiSecret,
);
const response = await fetchFromDemo(request.url, request.init);
console.log(
  `orders/paid for order ${orderId} (${customer.firstName} ${customer.lastName}, subtotal ${subtotal} ${SANDBOX.currencyCode}${discountCode ? `, code ${discountCode}` : ""}) → HTTP ${response.status}`,
);
if (!response.ok) console.log(await response.text());
// Tally answers once the order is stored; its points follow moments later (docs/storefront-api.md).
else await pointsApplied({ appUrl, shop: SANDBOX.shop, apiSecret: SANDBOX.apiSecret }, customer.id);
