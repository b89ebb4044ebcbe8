// `npm run demo:proxy -- <path> [customerId]`: a storefront request to the running demo,
// signed as Shopify's App Proxy signs it (customer defaults to the first sandbox customer).
import { SANDBOX, SANDBOX_CUSTOMERS } from "../sandbox/sandbox-shop";
import { appProxyQuery } from "../sandbox/signing";

const appUrl = process.env.TALLY_URL || `http://127.0.0.1:${process.env.PORT || 3000}`;
const path = process.argv[2] ?? "/status";
const customerId = process.argv[3] ?? String(SANDBOX_CUSTOMERS[0]!.id);

const query = appProxyQuery({ shop: SANDBOX.shop, customerId: customerId === "guest" ? null : customerId }, SANDBOX.apiSecret);
const response = await fetch(`${appUrl}/proxy${path}?${query}`, { headers: { "User-Agent": "Mozilla/5.0 Tally demo" } });
console.log(`GET /apps/tally${path} as customer ${customerId} → ${response.status}`);
console.log(await response.text());
