import { execFile } from "node:child_process";
import net from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DoubleCustomer } from "../sandbox/admin-api-double";
import { recordUsageCharges } from "~/jobs/outbox.server";
import { paidOrderPayload } from "../sandbox/demo-orders";
import {
  DEMO_LAPSED_ORDER,
  DEMO_MEMBERSHIP,
  DEMO_MEMBERSHIP_PRODUCT,
  DEMO_SURVEY,
  DEMO_DONATION_PRODUCT,
  DEMO_GIVING,
  DEMO_POINTS_DONATION,
  DEMO_ROUND_UP_ORDER,
  DEMO_ACTIONS,
  DEMO_STARTER_REWARD,
  DEMO_STORE_CREDIT_REWARD,
  DEMO_VIP_TIER,
  DEMO_WIN_BACK,
  seedDemoGiving,
  seedDemoReports,
  seedDemoMembership,
  seedDemoOffers,
  seedDemoSurvey,
  seedDemoShop,
} from "../sandbox/demo-seed";
import { deliverTierPerkSyncs } from "~/jobs/tier-perks.server";
import { SANDBOX_CUSTOMERS } from "../sandbox/sandbox-shop";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";

const run = promisify(execFile);

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the demo's helper scripts when no demo is running", () => {
  for (const script of [
    "scripts/demo-order.ts",
    "scripts/demo-proxy.ts",
    "scripts/demo-flow.ts",
    "scripts/demo-partner.ts",
  ]) {
    it(`${script} says to start the demo, in one line, and exits 1`, async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const failure = await run("npx", ["tsx", script], { env: { ...process.env, TALLY_URL: url } }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr.trim()).toBe(
        `Nothing answers at ${url}: start \`npm run demo\` in another terminal first (or set TALLY_URL).`,
      );
    });
  }
});

describe("with the app running", () => {
  let app: TestApp;
  beforeAll(async () => {
    // As `npm run demo` runs: billing on, the seed approves the plan.
    app = await startTestApp({ env: { TALLY_BILLING: "on" } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("the demo's seed: 500 points for Ava and a 100-point reward, and starting again changes nothing", async () => {
    const shop = "seeded-demo.myshopify.com";
    const [ava] = SANDBOX_CUSTOMERS as [DoubleCustomer];
    await app.installShop(shop, { customers: SANDBOX_CUSTOMERS });
    const demo = { appUrl: app.url, shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, currencyCode: "EUR" };
    const balance = async () =>
      (await (await app.proxy("/member", { shop, customerId: ava.id })).json()).points.balance;

    await seedDemoShop(demo, ava, app.double);
    expect(await balance()).toBe(500);
    const rewardIds = async () =>
      ((await (await app.admin("/api/program", shop)).json()).program.rewards as { id: string }[]).map((r) => r.id);
    expect(await rewardIds()).toEqual(["five-off", DEMO_STARTER_REWARD.id, DEMO_STORE_CREDIT_REWARD.id]);
    // Ava reaches the demo's VIP tier, whose perks Shopify applies at checkout once the job syncs them.
    const view = await (await app.proxy("/member", { shop, customerId: ava.id })).json();
    expect(view.tier).toMatchObject({ id: DEMO_VIP_TIER.id, perks: [{ percentage: 10 }, { minimumSubtotal: 50 }] });
    // An action Ava claims from its link, and the newsletter's (awarded by Shopify's word, not claimed).
    expect(view.actions).toEqual([
      { key: "instagram", name: "Follow us on Instagram", points: 50, url: DEMO_ACTIONS[0]!.url, status: "open" },
    ]);
    // Challenges: the seed order is the first of "Come back soon"; Ava holds the first order's badge and is on the leaderboard.
    expect(view.challenges[0]).toMatchObject({ id: "come-back", progress: { current: 1, target: 2 }, daysLeft: 30 });
    expect(view.badges.earned.map((badge: { id: string }) => badge.id)).toEqual(["milestone:first-order"]);
    expect(view.leaderboard).toMatchObject({ optedIn: true, you: { rank: 1, points: 500 } });
    await deliverTierPerkSyncs(app.prisma, new Date());
    expect(app.double.shop(shop).automaticDiscounts.map((d) => d.input.title)).toEqual([
      "Gold: 10% off",
      "Gold: free shipping",
    ]);
    // The demo restarts after the merchant removed the starter reward: neither comes back twice.
    await app.configureProgram(shop, (program) => {
      program.rewards = program.rewards.filter((reward) => reward.id !== DEMO_STARTER_REWARD.id);
    });
    await seedDemoShop(demo, ava, app.double);
    expect(await balance()).toBe(500);
    expect(await rewardIds()).toEqual(["five-off", DEMO_STORE_CREDIT_REWARD.id]);
    // One plan, approved once: starting again asks for nothing.
    expect(app.double.shop(shop).subscriptions.map((s) => s.status)).toEqual(["ACTIVE"]);
  });

  it("the demo's offers: win-back on, a double-points event for Gold, and Noah's running win-back offer", async () => {
    const shop = "offers-demo.myshopify.com";
    const [ava, noah] = SANDBOX_CUSTOMERS as [DoubleCustomer, DoubleCustomer];
    await app.installShop(shop, { customers: SANDBOX_CUSTOMERS });
    const demo = { appUrl: app.url, shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, currencyCode: "EUR" };
    await seedDemoShop(demo, ava, app.double);
    await seedDemoOffers(demo, app.prisma, noah);
    await seedDemoOffers(demo, app.prisma, noah);
    const { program } = await (await app.admin("/api/program", shop)).json();
    expect(program.offers.winBack).toEqual(DEMO_WIN_BACK);
    expect(program.earning.bonusEvents).toEqual([
      expect.objectContaining({ name: "Gold double days", tierIds: [DEMO_VIP_TIER.id], multiplier: 2 }),
    ]);
    expect(await app.prisma.memberOffer.count({ where: { shop: { domain: shop } } })).toBe(1);
    const view = await (await app.proxy("/member", { shop, customerId: noah.id })).json();
    expect(view.offers.winBack).toMatchObject({ multiplier: 2 });
    expect((await (await app.proxy("/member", { shop, customerId: ava.id })).json()).offers.winBack).toBeNull();
  });

  it("the demo's paid membership: Liam pays for the yearly plan, a guest is offered it, and starting again changes nothing", async () => {
    const shop = "membership-demo.myshopify.com";
    const [ava, , , liam] = SANDBOX_CUSTOMERS as [DoubleCustomer, DoubleCustomer, DoubleCustomer, DoubleCustomer];
    await app.installShop(shop, { customers: SANDBOX_CUSTOMERS });
    const demo = { appUrl: app.url, shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, currencyCode: "EUR" };
    await seedDemoShop(demo, ava, app.double);
    await seedDemoMembership(demo, liam, app.double);
    await seedDemoMembership(demo, liam, app.double);
    const view = await (await app.proxy("/member", { shop, customerId: liam.id })).json();
    expect(view.membership).toMatchObject({ active: true, planId: "yearly", status: "active" });
    // 79 points for the order and the 200-point join bonus, once.
    expect(view.points.balance).toBe(279);
    const guest = await (await app.proxy("/member", { shop, customerId: null })).json();
    expect(guest.program.membership).toMatchObject({ name: DEMO_MEMBERSHIP.name });
    expect(guest.program.membership.plans.map((plan: { id: string }) => plan.id)).toEqual(["monthly", "yearly"]);
    expect(app.double.shop(shop).products!.filter((product) => product.id === DEMO_MEMBERSHIP_PRODUCT.id)).toHaveLength(
      1,
    );
  });

  it("the demo's giving: causes in the program, Zoe's round-up and Liam's points given once, whatever the restarts", async () => {
    const shop = "giving-demo.myshopify.com";
    const [ava, , , liam, zoe] = SANDBOX_CUSTOMERS as DoubleCustomer[] as [
      DoubleCustomer,
      DoubleCustomer,
      DoubleCustomer,
      DoubleCustomer,
      DoubleCustomer,
    ];
    await app.installShop(shop, { customers: SANDBOX_CUSTOMERS });
    const demo = { appUrl: app.url, shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, currencyCode: "EUR" };
    await seedDemoShop(demo, ava, app.double);
    await seedDemoMembership(demo, liam, app.double);
    await seedDemoGiving(demo, zoe, liam, app.double);
    await seedDemoGiving(demo, zoe, liam, app.double);
    const { program } = await (await app.admin("/api/program", shop)).json();
    expect(program.giving).toEqual(DEMO_GIVING);
    const shopId = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id;
    expect(
      await app.prisma.donation.findMany({ where: { shopId }, select: { causeId: true, amountCents: true } }),
    ).toEqual([{ causeId: "ocean-cleanup", amountCents: BigInt(DEMO_ROUND_UP_ORDER.cents) }]);
    expect(
      await app.prisma.pointsDonation.findMany({ where: { shopId }, select: { causeId: true, points: true } }),
    ).toEqual([{ causeId: DEMO_POINTS_DONATION.causeId, points: DEMO_POINTS_DONATION.points }]);
    const view = await (await app.proxy("/member", { shop, customerId: liam.id })).json();
    expect(view.giving).toMatchObject({ givenCents: 200, pointsGiven: DEMO_POINTS_DONATION.points });
    expect(app.double.shop(shop).products!.filter((product) => product.id === DEMO_DONATION_PRODUCT.id)).toHaveLength(
      1,
    );
  });

  it("the demo's reports: the goals in the program, Ava's code used on an order as the program's cost, once whatever the restarts", async () => {
    const shop = "reports-demo.myshopify.com";
    const [ava] = SANDBOX_CUSTOMERS as DoubleCustomer[] as [DoubleCustomer];
    await app.installShop(shop, { customers: SANDBOX_CUSTOMERS });
    const demo = { appUrl: app.url, shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, currencyCode: "EUR" };
    await seedDemoShop(demo, ava, app.double);
    await seedDemoReports(demo, ava);
    await seedDemoReports(demo, ava);
    const { program } = await (await app.admin("/api/program", shop)).json();
    expect(program.accounting.goals.map((goal: { metric: string }) => goal.metric)).toEqual([
      "repeat_rate",
      "member_revenue_share",
    ]);
    const shopId = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id;
    expect(await app.prisma.redemption.count({ where: { shopId } })).toBe(1);
    expect(
      await app.prisma.orderDiscount.findMany({ where: { shopId }, select: { kind: true, amountCents: true } }),
    ).toEqual([{ kind: "reward_code", amountCents: 100n }]);
  });

  it("the demo's survey: in the program, answered once per order through the extension API, whatever the restarts", async () => {
    const shop = "survey-demo.myshopify.com";
    const [ava, noah] = SANDBOX_CUSTOMERS as [DoubleCustomer, DoubleCustomer];
    await app.installShop(shop, { customers: SANDBOX_CUSTOMERS });
    const demo = { appUrl: app.url, shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, currencyCode: "EUR" };
    await seedDemoShop(demo, ava, app.double);
    await seedDemoOffers(demo, app.prisma, noah);
    const answers = [{ customer: noah, orderId: DEMO_LAPSED_ORDER.id, answers: { nps: 6, heard: "friend" } }];
    await seedDemoSurvey(demo, answers);
    await seedDemoSurvey(demo, answers);
    const { program } = await (await app.admin("/api/program", shop)).json();
    expect(program.surveys).toEqual([DEMO_SURVEY]);
    expect(
      await app.prisma.surveyAnswer.findMany({
        where: { shop: { domain: shop } },
        select: { score: true, points: true },
      }),
    ).toEqual([{ score: 6, points: DEMO_SURVEY.points }]);
  });

  it("the demo's seeded shopper can redeem the default reward at once, and one default demo order buys the starter reward", async () => {
    const shop = "fresh-demo.myshopify.com";
    const [ava, noah] = SANDBOX_CUSTOMERS as [DoubleCustomer, DoubleCustomer];
    await app.installShop(shop, { customers: SANDBOX_CUSTOMERS });
    await seedDemoShop(
      { appUrl: app.url, shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, currencyCode: "EUR" },
      ava,
      app.double,
    );
    // `npm run demo:order -- 7390000002`: the default 120.00 order, for a shopper with no seeded points.
    const order = paidOrderPayload({ id: 5_100_000_001, customer: noah, subtotal: "120.00", currencyCode: "EUR" });
    expect((await app.webhook("orders/paid", shop, order)).status).toBe(200);
    for (const [shopper, rewardId] of [
      [ava, "five-off"],
      [noah, DEMO_STARTER_REWARD.id],
    ] as const) {
      const redeemed = await fetch(
        `${app.url}/proxy/redemptions?${appProxyQuery({ shop, customerId: shopper.id }, TEST_API_SECRET)}`,
        {
          method: "POST",
          headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
          body: JSON.stringify({ rewardId }),
        },
      );
      expect(redeemed.status, shopper.firstName).toBe(201);
    }
    const noahLeft = (await (await app.proxy("/member", { shop, customerId: noah.id })).json()).points.balance;
    expect(Number(noahLeft)).toBe(20);
  });

  it("`npm run demo:order -- <customer> <subtotal> <code>`: the code's use is one charge on the billing page", async () => {
    const shop = "billed-demo.myshopify.com";
    const [ava] = SANDBOX_CUSTOMERS as [DoubleCustomer];
    await app.installShop(shop, { customers: SANDBOX_CUSTOMERS });
    await seedDemoShop(
      { appUrl: app.url, shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, currencyCode: "EUR" },
      ava,
      app.double,
    );
    const redeemed = await fetch(
      `${app.url}/proxy/redemptions?${appProxyQuery({ shop, customerId: ava.id }, TEST_API_SECRET)}`,
      {
        method: "POST",
        headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
        body: JSON.stringify({ rewardId: DEMO_STARTER_REWARD.id }),
      },
    );
    const { redemption } = (await redeemed.json()) as { redemption: { id: string; code: string } };
    const order = paidOrderPayload({
      id: 5_100_000_002,
      customer: ava,
      subtotal: "79.00",
      currencyCode: "EUR",
      discountCode: redemption.code,
    });
    expect((await app.webhook("orders/paid", shop, order)).status).toBe(200);
    await recordUsageCharges(app.prisma, new Date());
    const [record] = app.double.shop(shop).subscriptions.flatMap((s) => s.records);
    expect(record).toMatchObject({ idempotencyKey: redemption.id, price: 20 });
    expect(await app.prisma.usageCharge.findFirstOrThrow({ where: { redemptionId: redemption.id } })).toMatchObject({
      status: "billed",
    });
  });

  it("is served where browsers ask for it, so no page load ends in a missing-route error", async () => {
    for (const [file, type] of [
      ["/favicon.ico", /icon/],
      ["/favicon.svg", /image\/svg\+xml/],
    ] as const) {
      const response = await fetch(`${app.url}${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get("content-type"), file).toMatch(type);
    }
  });
});
