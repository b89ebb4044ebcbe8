// The storefront preview for the Lighthouse bench, in its own process (so Lighthouse's work does
// not share its event loop): the built app with the sandbox's routes, the sandbox shop in the Admin
// API double and on a fresh embedded database (PGLITE_DATA_DIR), seeded as `npm run demo` seeds it
// (the demo's program, Tally's plan approved). Prints `bench.storefront.ready` with its address.
import { AdminApiDouble } from "../../sandbox/admin-api-double";
import { seedDemoShop } from "../../sandbox/demo-seed";
import { sandboxRoutes } from "../../sandbox/routes";
import { SANDBOX, SANDBOX_CUSTOMERS } from "../../sandbox/sandbox-shop";
import { startAppServer } from "../../server";

const port = Number(process.env.PORT);
const appUrl = `http://127.0.0.1:${port}`;
const double = await AdminApiDouble.start();
double.addShop({
  domain: SANDBOX.shop,
  accessToken: SANDBOX.accessToken,
  name: SANDBOX.name,
  email: SANDBOX.email,
  currencyCode: SANDBOX.currencyCode,
  ianaTimezone: SANDBOX.ianaTimezone,
  customers: SANDBOX_CUSTOMERS,
  mainTheme: { name: "Dawn", tallyEmbed: "on" },
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

const server = await startAppServer({ port, extraRoutes: (build) => sandboxRoutes(build, double) });
const prisma = (server.build.entry.module as unknown as { prisma: import("@prisma/client").PrismaClient }).prisma;
await prisma.session.create({
  data: {
    id: `offline_${SANDBOX.shop}`,
    shop: SANDBOX.shop,
    state: "",
    isOnline: false,
    scope: SANDBOX.scopes,
    accessToken: SANDBOX.accessToken,
  },
});
await seedDemoShop({ ...SANDBOX, appUrl }, SANDBOX_CUSTOMERS[0]!, double);
// The theme reads the program from the shop metafield the outbox publishes after the save: until
// then the embed renders nothing, and "on" would measure "off".
const deadline = Date.now() + 60_000;
for (;;) {
  const page = await fetch(`${appUrl}/sandbox/storefront?page=product`, {
    headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Tally bench" },
  });
  if ((await page.text()).includes('data-tally="launcher"')) break;
  if (Date.now() > deadline) throw new Error("the storefront preview never rendered Tally's launcher");
  await new Promise((resolve) => setTimeout(resolve, 500));
}
console.log(`bench.storefront.ready ${appUrl}`);

process.on("SIGTERM", () => {
  void server
    .close()
    .then(() => double.close())
    .then(() => process.exit(0));
});
