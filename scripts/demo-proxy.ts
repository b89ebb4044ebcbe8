// `npm run demo:proxy -- <path> [customerId|guest] [rewardId] [points]`: a storefront request to the
// running demo, signed as Shopify's App Proxy signs it (customer defaults to the first sandbox
// customer). With a reward id it POSTs a redemption of that reward; `points` for a reward whose
// points the shopper chooses (variable, store credit).
import { demoAddress, fetchFromDemo } from "../sandbox/demo-address";
import { SANDBOX, SANDBOX_CUSTOMERS } from "../sandbox/sandbox-shop";
import { appProxyQuery } from "../sandbox/signing";

const appUrl = demoAddress();
const path = process.argv[2] ?? "/member";
const customerId = process.argv[3] ?? String(SANDBOX_CUSTOMERS[0]!.id);
const rewardId = process.argv[4];
const points = process.argv[5] === undefined ? undefined : Number(process.argv[5]);

const query = appProxyQuery(
  { shop: SANDBOX.shop, customerId: customerId === "guest" ? null : customerId },
  SANDBOX.apiSecret,
);
const response = await fetchFromDemo(`${appUrl}/proxy${path}?${query}`, {
  method: rewardId ? "POST" : "GET",
  headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Tally demo", "Content-Type": "application/json" },
  body: rewardId ? JSON.stringify({ rewardId, points }) : undefined,
});
console.log(`${rewardId ? "POST" : "GET"} /apps/tally${path} as customer ${customerId} → ${response.status}`);
console.log(JSON.stringify(await response.json(), null, 2));
