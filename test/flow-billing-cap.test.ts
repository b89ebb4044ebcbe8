import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverFlowEvents } from "~/jobs/flow.server";
import { recordUsageCharges } from "~/jobs/outbox.server";
import { refreshSubscriptions, requestPlan } from "~/loyalty/billing/billing.server";
import { recordFlowLifecycle } from "~/loyalty/points/flow-events.server";
import { FLOW_TRIGGERS } from "~/loyalty/points/flow-triggers";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

const SHOP = "flow-billing.myshopify.com";
const CUSTOMER = 8001;
let app: TestApp;
let shop: { id: string; domain: string };
let subscriptionId: string;
const later = (ms = 60_000) => new Date(Date.now() + ms);

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_BILLING: "on" } });
  await app.installShop(SHOP);
  shop = { id: await app.configureProgram(SHOP, () => {}), domain: SHOP };
  await recordFlowLifecycle(app.prisma, shop.id, {
    definitionId: FLOW_TRIGGERS.billingCap.handle,
    enabled: true,
    at: new Date(),
  });
  // The merchant approves the plan on Shopify's page.
  const plan = await requestPlan(app.prisma, shop, `https://${SHOP}/admin/apps/tally/billing`, new Date());
  expect(plan.status).toBe("approve");
  subscriptionId = app.double.shop(SHOP).subscriptions.at(-1)!.id;
  app.double.answerConfirmation(SHOP, subscriptionId, true);
  // 74.80 of the 100.00 cap already used this period: the next reward used (0.20) reaches 75%.
  app.double.shop(SHOP).subscriptions.at(-1)!.records.push({
    id: "gid://shopify/AppUsageRecord/1",
    description: "Earlier rewards",
    price: 7_480,
    idempotencyKey: "earlier",
    createdAt: new Date().toISOString(),
  });
  await refreshSubscriptions(app.prisma, shop, new Date());
});
afterAll(() => app?.close());

const paidOrder = (id: number, price: string, discountCodes: string[] = []) => ({
  ...orderPayload("orders/paid", {
    id,
    customer: { id: CUSTOMER, email: `c${CUSTOMER}@example.com` },
    lines: [{ price }],
  }),
  discount_codes: discountCodes.map((code) => ({ code, amount: "5.00", type: "fixed_amount" })),
});
const capTasks = () =>
  app.prisma.outboxTask.findMany({
    where: { shopId: shop.id, topic: "flow_trigger", key: { startsWith: "flow:billing-cap:" } },
  });

describe("Flow trigger: Loyalty billing cap approaching", () => {
  it("a reward used that brings the period's usage to 75% of the cap queues one event; a redelivery none", async () => {
    expect((await app.webhook("orders/paid", SHOP, paidOrder(1, "600.00"))).status).toBe(200);
    const query = appProxyQuery({ shop: SHOP, customerId: CUSTOMER }, TEST_API_SECRET);
    const redeemed = await fetch(`${app.url}/proxy/redemptions?${query}`, {
      method: "POST",
      headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "five-off" }),
    });
    expect(redeemed.status).toBe(201);
    const { redemption } = (await redeemed.json()) as { redemption: { code: string } };

    const withCode = paidOrder(2, "40.00", [redemption.code]);
    expect((await app.webhook("orders/paid", SHOP, withCode)).status).toBe(200);
    // The webhook only queued the charge: nothing was recorded in Shopify, no warning yet.
    expect(app.double.callsTo("RecordUsage")).toHaveLength(0);
    expect(await capTasks()).toHaveLength(0);

    await recordUsageCharges(app.prisma, later());
    expect(await capTasks()).toHaveLength(1);

    // Shopify delivers the order again (a new webhook id): no second charge, no second event.
    expect((await app.webhook("orders/paid", SHOP, withCode)).status).toBe(200);
    await recordUsageCharges(app.prisma, later(120_000));
    expect(await app.prisma.usageCharge.count({ where: { shopId: shop.id } })).toBe(1);
    expect(app.double.shop(SHOP).subscriptions.at(-1)!.records).toHaveLength(2);
    expect(await capTasks()).toHaveLength(1);
  });

  it("the flow job sends it to Flow about the shop: no customer, the share, the amounts and the currency", async () => {
    await deliverFlowEvents(app.prisma, later());
    await deliverFlowEvents(app.prisma, later());
    expect(app.double.shop(SHOP).flowEvents.filter((event) => event.handle === "tally-billing-cap")).toEqual([
      {
        handle: "tally-billing-cap",
        payload: { "Percent used": 75, "Balance used": "75.00", "Capped amount": "100.00", Currency: "USD" },
      },
    ]);
  });

  it("Shopify's webhook at 90% queues the 90% warning once, however often it is delivered", async () => {
    const payload = {
      app_subscription: {
        admin_graphql_api_id: subscriptionId,
        name: "Tally — pay per reward used",
        balance_used: 90,
        capped_amount: "100.0",
        currency_code: "USD",
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      },
    };
    for (let i = 0; i < 2; i++)
      expect((await app.webhook("app_subscriptions/approaching_capped_amount", SHOP, payload)).status).toBe(200);
    expect((await capTasks()).map((task) => task.key)).toEqual([
      expect.stringMatching(/:75$/),
      expect.stringMatching(/:90$/),
    ]);
    app.double.shop(SHOP).flowEvents.length = 0;
    await deliverFlowEvents(app.prisma, later());
    expect(app.double.shop(SHOP).flowEvents).toEqual([
      {
        handle: "tally-billing-cap",
        payload: { "Percent used": 90, "Balance used": "90.00", "Capped amount": "100.00", Currency: "USD" },
      },
    ]);
  });
});
