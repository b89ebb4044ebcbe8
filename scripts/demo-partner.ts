// `npm run demo:partner -- [email] [points]`: the demo's partner (a café, sandbox/demo-seed.ts)
// awards points to a shopper through POST /api/partners/earn, with its sandbox-only key
// (email defaults to the first sandbox customer's; points to the partner's points per visit).
import { randomUUID } from "node:crypto";
import { demoAddress, fetchFromDemo } from "../sandbox/demo-address";
import { DEMO_PARTNER } from "../sandbox/demo-seed";
import { SANDBOX_CUSTOMERS } from "../sandbox/sandbox-shop";

const appUrl = demoAddress();
const email = process.argv[2] ?? SANDBOX_CUSTOMERS[0]!.email;
const points = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const body = {
  customer: { email },
  points,
  externalId: `demo-visit-${randomUUID()}`,
  description: "Coffee and croissant",
};

const response = await fetchFromDemo(`${appUrl}/api/partners/earn`, {
  method: "POST",
  headers: {
    Authorization: `Bearer ${DEMO_PARTNER.key}`,
    "Content-Type": "application/json",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Tally demo",
  },
  body: JSON.stringify(body),
});
console.log(`POST /api/partners/earn as ${DEMO_PARTNER.name} for ${email} → ${response.status}`);
console.log(JSON.stringify(await response.json(), null, 2));
