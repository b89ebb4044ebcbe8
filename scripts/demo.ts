// `npm run demo`: Tally on the embedded database (data/pglite) with a sandbox shop served by
// the local Admin API double. Stays up until Ctrl-C.
import type { PrismaClient } from "@prisma/client";
import { AdminApiDouble, type DoubleCustomer } from "../sandbox/admin-api-double";
import { forgetDemoAddress, rememberDemoAddress } from "../sandbox/demo-address";
import {
  DEMO_CAMPAIGN,
  DEMO_LAPSED_ORDER,
  DEMO_MEMBERSHIP,
  DEMO_MEMBERSHIP_ORDER,
  DEMO_PARTNER,
  DEMO_SEED_ORDER,
  DEMO_STARTER_REWARD,
  seedDemoCampaign,
  seedDemoMembership,
  seedDemoGiving,
  DEMO_GIVING,
  seedDemoReports,
  DEMO_POINTS_DONATION,
  seedDemoOffers,
  seedDemoSurvey,
  seedDemoPartner,
  seedDemoShop,
} from "../sandbox/demo-seed";
import { sandboxRoutes } from "../sandbox/routes";
import { SANDBOX, SANDBOX_CUSTOMERS } from "../sandbox/sandbox-shop";
import { startAppServer } from "../server";

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || "127.0.0.1";
const appUrl = `http://${host}:${port}`;

const double = await AdminApiDouble.start({ port: Number(process.env.DEMO_ADMIN_API_PORT || 0) });
double.addShop({
  domain: SANDBOX.shop,
  accessToken: SANDBOX.accessToken,
  name: SANDBOX.name,
  email: SANDBOX.email,
  currencyCode: SANDBOX.currencyCode,
  ianaTimezone: SANDBOX.ianaTimezone,
  customers: SANDBOX_CUSTOMERS,
  // As after the merchant switched the widget on: the storefront preview renders the launcher, so
  // the checklist says the widget is on (`/sandbox/theme-editor` switches it off and on).
  mainTheme: { name: "Dawn", tallyEmbed: "on" },
  // A development store: Tally's plan is a test charge, approved by the demo's seed.
  partnerDevelopment: true,
});

Object.assign(process.env, {
  NODE_ENV: "development",
  SHOPIFY_API_KEY: SANDBOX.apiKey,
  SHOPIFY_API_SECRET: SANDBOX.apiSecret,
  SHOPIFY_APP_URL: appUrl,
  SCOPES: SANDBOX.scopes,
  SHOPIFY_ADMIN_API_ORIGIN: double.origin,
  TALLY_SANDBOX_SHOP: SANDBOX.shop,
});

const server = await startAppServer({ host, port, extraRoutes: (build) => sandboxRoutes(build, double) });
rememberDemoAddress(appUrl);
const prisma = (server.build.entry.module as unknown as { prisma: PrismaClient }).prisma;

// Installed, as Shopify would leave it: an offline session for the sandbox shop.
await prisma.session.upsert({
  where: { id: `offline_${SANDBOX.shop}` },
  create: {
    id: `offline_${SANDBOX.shop}`,
    shop: SANDBOX.shop,
    state: "",
    isOnline: false,
    scope: SANDBOX.scopes,
    accessToken: SANDBOX.accessToken,
  },
  update: { accessToken: SANDBOX.accessToken, scope: SANDBOX.scopes },
});
const [ava, noah, , liam, zoe] = SANDBOX_CUSTOMERS as [
  DoubleCustomer,
  DoubleCustomer,
  DoubleCustomer,
  DoubleCustomer,
  DoubleCustomer,
];
// Something to redeem at once: a 100-point reward, points for Ava, and Tally's plan approved as a
// test charge, so shoppers see the program (sandbox/demo-seed.ts).
await seedDemoShop({ ...SANDBOX, appUrl }, ava, double);
// A partner café that awards points through the partner API, with a public sandbox-only key.
await seedDemoPartner(prisma, SANDBOX.shop);
// A finished campaign that gave Ava 200 points (her widget shows the surprise once), and a segment to pick.
await seedDemoCampaign(prisma, SANDBOX.shop, ava, double);
// Noah last ordered three months ago: a win-back offer, double points for two weeks (docs/offers.md).
await seedDemoOffers({ ...SANDBOX, appUrl }, prisma, noah);
// Liam pays for the yearly plan of the paid membership; everyone else is offered it (docs/membership.md).
await seedDemoMembership({ ...SANDBOX, appUrl }, liam, double);
// Noah and Liam answered the post-purchase survey about those orders: the Surveys page has an NPS.
await seedDemoSurvey({ ...SANDBOX, appUrl }, [
  {
    customer: noah,
    orderId: DEMO_LAPSED_ORDER.id,
    answers: { nps: 6, comment: "Delivery took a week.", heard: "friend" },
  },
  {
    customer: liam,
    orderId: DEMO_MEMBERSHIP_ORDER.id,
    answers: { nps: 10, comment: "The members' club pays for itself.", heard: "social" },
  },
]);

// Zoe rounded up for the ocean at checkout; Liam gave 200 points to the trees (docs/giving.md).
await seedDemoGiving({ ...SANDBOX, appUrl }, zoe, liam, double);

// The merchant's goals; Ava's "1 off" code used on an order: the program's cost (docs/accounting.md, docs/goals.md).
await seedDemoReports({ ...SANDBOX, appUrl }, ava);

console.log(`
Tally is running on the sandbox shop ${SANDBOX.shop}.

  Admin (outside Shopify):  ${appUrl}/sandbox/login
  Storefront preview:       ${appUrl}/sandbox/storefront?customer=${ava.id}   (or ?customer=guest)
                            ${appUrl}/sandbox/storefront?customer=${noah.id}   (a win-back offer)
                            ${appUrl}/sandbox/storefront?customer=${liam.id}   (a paying member of the club)
  Shopify POS:              ${appUrl}/sandbox/pos?customer=${ava.id}   (Tally's POS extension, docs/pos.md)
  Health:                   ${appUrl}/healthz
  Sandbox Admin API:        ${double.origin}/admin/api/<version>/graphql.json

  Send a signed webhook or App Proxy request the way Shopify would, from another terminal:
    npm run demo:order                                  a paid order from a sandbox customer (orders/paid)
    npm run demo:proxy -- /member                       that customer's points and rewards (App Proxy)
    npm run demo:proxy -- /redemptions ${ava.id} five-off   spend 500 points on a code
    npm run demo:proxy -- /redemptions ${ava.id} store-credit 300   turn 300 points into store credit
    npm run demo:partner -- ${ava.email} 40             ${DEMO_PARTNER.name}, a partner, awards 40 points (docs/partners.md)
    npm run demo:flow -- award-points ${ava.id} 50 "Wrote a review"   Shopify Flow runs Tally's action (docs/flow.md)

  The partner's sandbox-only API key (a real key is shown once, in the admin's Partners page):
    curl -X POST ${appUrl}/api/partners/earn -H 'Authorization: Bearer ${DEMO_PARTNER.key}' \\
      -H 'Content-Type: application/json' \\
      -d '{"customer":{"email":"${ava.email}"},"points":40,"externalId":"visit-1"}'

  ${ava.firstName} ${ava.lastName} starts with ${Number(DEMO_SEED_ORDER.subtotal)} points from a paid order; a default demo:order earns 120,
  enough for "${DEMO_STARTER_REWARD.name}" (${DEMO_STARTER_REWARD.pointsCost} points, reward id ${DEMO_STARTER_REWARD.id}).
  A campaign gave her ${DEMO_CAMPAIGN.points} more ("${DEMO_CAMPAIGN.message}"): her widget shows it once (Campaigns page, docs/campaigns.md).
  ${liam.firstName} pays for the yearly plan of the "${DEMO_MEMBERSHIP.name}" (Membership page, docs/membership.md); everyone else is offered it.
  ${noah.firstName} and ${liam.firstName} answered the post-purchase survey (Surveys page, docs/surveys.md).
  ${zoe.firstName} rounded up for "${DEMO_GIVING.causes[0]!.name}" at checkout and ${liam.firstName} gave ${DEMO_POINTS_DONATION.points} points to "${DEMO_GIVING.causes[1]!.name}" (Giving page, docs/giving.md).
  ${ava.firstName} used her "${DEMO_STARTER_REWARD.name}" code on an order: the ROI page shows what the program cost; the home page shows
  the merchant's goals and insights; Accounting shows the points liability, its breakage and a CSV (docs/accounting.md, docs/goals.md).

Data lives in ${process.env.DATABASE_URL ? "DATABASE_URL" : process.env.PGLITE_DATA_DIR || "data/pglite"}. Ctrl-C stops.
`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  forgetDemoAddress();
  await server.close();
  await double.close();
  console.log("Tally stopped.");
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
