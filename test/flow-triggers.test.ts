import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deliverFlowEvents } from "~/jobs/flow.server";
import { deliverOutbox } from "~/jobs/outbox.server";
import { remindExpiringPoints } from "~/jobs/points.server";
import { FLOW_TRIGGERS } from "~/loyalty/points/flow-triggers";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { learnInstalledShop } from "~/shopify/installation.server";
import { ensureShop } from "~/shopify/shops.server";
import { DEMO_STORE_CREDIT_REWARD } from "../sandbox/demo-seed";
import { appProxyQuery, webhookHmac } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET, TEST_SCOPES } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

const SHOP = "flow-shop.myshopify.com";
const QUIET = "flow-quiet.myshopify.com";
const DAY = 86_400_000;
let app: TestApp;
const shopIds: Record<string, string> = {};
const later = (ms = 60_000) => new Date(Date.now() + ms);

beforeAll(async () => {
  app = await startTestApp();
  for (const shop of [SHOP, QUIET]) {
    await app.installShop(shop);
    shopIds[shop] = await app.configureProgram(shop, (program) => {
      program.tiers = {
        ...program.tiers,
        levels: [{ id: "silver", name: "Silver", threshold: 100, earnMultiplier: 1, entryBonusPoints: 0 }],
      };
    });
  }
});
afterAll(() => app?.close());
afterEach(async () => {
  for (const shopId of Object.values(shopIds)) expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
  app.double.reset();
});

/** A trigger lifecycle callback as Flow sends it: JSON body signed like a webhook. */
function lifecycle(
  shop: string,
  definitionId: string,
  enabled: boolean,
  options: { at?: Date; secret?: string | null; body?: unknown } = {},
) {
  const body = JSON.stringify(
    options.body ?? {
      flow_trigger_definition_id: definitionId,
      has_enabled_flow: enabled,
      shop_id: 690933842,
      shopify_domain: shop,
      timestamp: (options.at ?? new Date()).toISOString(),
    },
  );
  const headers: Record<string, string> = { "Content-Type": "application/json", "User-Agent": BROWSER_USER_AGENT };
  if (options.secret !== null) headers["X-Shopify-Hmac-Sha256"] = webhookHmac(body, options.secret ?? TEST_API_SECRET);
  return fetch(`${app.url}/flow/lifecycle`, { method: "POST", headers, body });
}

const paid = (shop: string, id: number, customerId: number, price: string) =>
  app.webhook(
    "orders/paid",
    shop,
    orderPayload("orders/paid", {
      id,
      customer: { id: customerId, email: `c${customerId}@example.com` },
      lines: [{ price }],
    }),
  );
const flowEvents = (shop: string) => app.double.shop(shop).flowEvents;
const flowTasks = (shop: string) =>
  app.prisma.outboxTask.count({ where: { shopId: shopIds[shop], topic: "flow_trigger" } });
const enabledTriggers = async (shop: string) =>
  (await app.prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).flowTriggersEnabled;

describe("Flow trigger lifecycle callbacks", () => {
  it("refuses unsigned, forged, malformed and foreign-shop callbacks, and writes nothing", async () => {
    const handle = FLOW_TRIGGERS.pointsEarned.handle;
    expect((await lifecycle(QUIET, handle, true, { secret: null })).status).toBe(401);
    expect((await lifecycle(QUIET, handle, true, { secret: "not-the-app-secret" })).status).toBe(401);
    expect((await lifecycle("nobody.myshopify.com", handle, true)).status).toBe(404);
    expect(
      (await lifecycle(QUIET, handle, true, { body: { flow_trigger_definition_id: handle, shopify_domain: QUIET } }))
        .status,
    ).toBe(400);
    expect((await fetch(`${app.url}/flow/lifecycle`, { headers: { "User-Agent": BROWSER_USER_AGENT } })).status).toBe(
      405,
    );
    expect(await enabledTriggers(QUIET)).toEqual([]);
  });

  it("answers a forged callback the same 401 whether the shop it names has Tally or not", async () => {
    const handle = FLOW_TRIGGERS.pointsEarned.handle;
    const installed = await lifecycle(QUIET, handle, true, { secret: "not-the-app-secret" });
    const stranger = await lifecycle("nobody.myshopify.com", handle, true, { secret: "not-the-app-secret" });
    expect([installed.status, await installed.json()]).toEqual([401, { error: "invalid_signature" }]);
    expect([stranger.status, await stranger.json()]).toEqual([401, { error: "invalid_signature" }]);
    expect(await enabledTriggers(QUIET)).toEqual([]);
  });

  it("a shop without workflows on Tally's triggers gets no events and no Flow calls", async () => {
    await paid(QUIET, 1, 5001, "150.00");
    expect(await flowTasks(QUIET)).toBe(0);
    await deliverFlowEvents(app.prisma, later());
    expect(app.double.callsTo("FlowTriggerReceive")).toHaveLength(0);
  });

  it("keeps the newest state when callbacks arrive out of order", async () => {
    const handle = FLOW_TRIGGERS.tierChanged.handle;
    const now = Date.now();
    expect((await lifecycle(QUIET, handle, true, { at: new Date(now) })).status).toBe(200);
    expect((await lifecycle(QUIET, handle, false, { at: new Date(now - 60_000) })).status).toBe(200);
    expect(await enabledTriggers(QUIET)).toEqual([handle]);
    expect((await lifecycle(QUIET, handle, false, { at: new Date(now + 1_000) })).status).toBe(200);
    expect(await enabledTriggers(QUIET)).toEqual([]);
  });
});

describe("Flow triggers fire for shops with enabled workflows", () => {
  beforeAll(async () => {
    for (const trigger of Object.values(FLOW_TRIGGERS))
      expect((await lifecycle(SHOP, trigger.handle, true)).status).toBe(200);
  });

  it("points earned: one event per order however often Shopify delivers it, with the customer and the points", async () => {
    const webhookId = crypto.randomUUID();
    const delivery = orderPayload("orders/paid", {
      id: 10,
      customer: { id: 6001, email: "c6001@example.com" },
      lines: [{ price: "42.00" }],
    });
    for (let i = 0; i < 3; i++)
      expect(
        (await app.webhook("orders/paid", SHOP, delivery, { webhookId: i === 2 ? undefined : webhookId })).status,
      ).toBe(200);
    await deliverFlowEvents(app.prisma, later());
    await deliverFlowEvents(app.prisma, later());
    expect(flowEvents(SHOP)).toEqual([
      {
        handle: "tally-points-earned",
        payload: {
          customer_id: 6001,
          Points: 42,
          "Points balance": 42,
          "Pending points": 0,
          Reason: "Order",
          "Available now": true,
          // The default program's one reward costs 500 points.
          "Next reward": "5 off",
          "Points to next reward": 458,
        },
      },
    ]);
    // The double executed the mutation against Shopify's Admin schema and checked the payload
    // against the trigger's fields in extensions/tally-points-earned.
    expect(app.double.callsTo("FlowTriggerReceive")).toHaveLength(1);
  });

  it("tier changed: the member who crosses a threshold moves up", async () => {
    flowEvents(SHOP).length = 0;
    await paid(SHOP, 11, 6001, "70.00");
    await deliverFlowEvents(app.prisma, later());
    const tierEvents = flowEvents(SHOP).filter((event) => event.handle === "tally-tier-changed");
    expect(tierEvents).toEqual([
      {
        handle: "tally-tier-changed",
        payload: {
          customer_id: 6001,
          "Previous tier": "",
          "New tier": "Silver",
          Direction: "up",
          "Points balance": 112,
        },
      },
    ]);
  });

  it("reward redeemed: once the discount code exists in Shopify, with the code", async () => {
    await paid(SHOP, 16, 6001, "400.00");
    await deliverFlowEvents(app.prisma, later());
    flowEvents(SHOP).length = 0;
    const query = appProxyQuery({ shop: SHOP, customerId: 6001 }, TEST_API_SECRET);
    const redeemed = await fetch(`${app.url}/proxy/redemptions?${query}`, {
      method: "POST",
      headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "five-off" }),
    });
    expect(redeemed.status).toBe(201);
    const { redemption } = (await redeemed.json()) as { redemption: { code: string } };
    // The code is created in Shopify during the request (or by the outbox, should that fail).
    await deliverOutbox(app.prisma, later());
    await deliverFlowEvents(app.prisma, later());
    await deliverFlowEvents(app.prisma, later());
    expect(flowEvents(SHOP)).toEqual([
      {
        handle: "tally-reward-redeemed",
        payload: expect.objectContaining({
          customer_id: 6001,
          "Reward name": "5 off",
          "Points spent": 500,
          "Discount code": redemption.code,
        }),
      },
    ]);
  });

  it("reward redeemed: store credit fires it too, once the credit is on the customer's account", async () => {
    await app.configureProgram(SHOP, (program) => {
      program.rewards.push({ ...DEMO_STORE_CREDIT_REWARD, id: "credit" } as (typeof program.rewards)[number]);
    });
    app.double.shop(SHOP).customers.push({
      id: 6003,
      email: "c6003@example.com",
      firstName: "Credit",
      lastName: "Shopper",
      phone: null,
      tags: [],
      createdAt: "2026-01-01T00:00:00Z",
      numberOfOrders: 1,
      amountSpent: "400.00",
    });
    await paid(SHOP, 17, 6003, "400.00");
    await deliverFlowEvents(app.prisma, later());
    flowEvents(SHOP).length = 0;
    const query = appProxyQuery({ shop: SHOP, customerId: 6003 }, TEST_API_SECRET);
    const redeemed = await fetch(`${app.url}/proxy/redemptions?${query}`, {
      method: "POST",
      headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "credit", points: 300 }),
    });
    expect(await redeemed.json()).toMatchObject({ redemption: { status: "active" } });
    await deliverOutbox(app.prisma, later());
    await deliverFlowEvents(app.prisma, later());
    await deliverFlowEvents(app.prisma, later());
    const currency = app.double.shop(SHOP).currencyCode;
    expect(flowEvents(SHOP)).toEqual([
      {
        handle: "tally-reward-redeemed",
        payload: {
          customer_id: 6003,
          "Reward name": "Store credit",
          "Points spent": 300,
          "Discount code": "",
          "Code expires at": "",
          "Store credit": "3.00",
          "Store credit currency": currency,
          "Store credit expires at": "",
          "Points balance": 100,
        },
      },
    ]);
  });

  it("points expiring soon: the program's reminder days before, once per reminder", async () => {
    flowEvents(SHOP).length = 0;
    await paid(SHOP, 12, 6002, "80.00");
    await deliverFlowEvents(app.prisma, later());
    flowEvents(SHOP).length = 0;
    // Inactivity expiry after 365 days, reminder 30 days before (the default program).
    const reminderDay = later(340 * DAY);
    await remindExpiringPoints(app.prisma, reminderDay, SHOP);
    await remindExpiringPoints(app.prisma, reminderDay, SHOP);
    await deliverFlowEvents(app.prisma, reminderDay);
    const expiring = flowEvents(SHOP).filter((event) => event.payload.customer_id === 6002);
    expect(expiring).toEqual([
      {
        handle: "tally-points-expiring",
        payload: { customer_id: 6002, "Points expiring": 80, "Expires at": expect.any(String), "Days left": 25 },
      },
    ]);
  });

  it("an event queued before the workflow was turned off is not sent", async () => {
    flowEvents(SHOP).length = 0;
    await paid(SHOP, 13, 6003, "10.00");
    expect((await lifecycle(SHOP, FLOW_TRIGGERS.pointsEarned.handle, false)).status).toBe(200);
    await deliverFlowEvents(app.prisma, later());
    expect(flowEvents(SHOP)).toEqual([]);
    expect((await lifecycle(SHOP, FLOW_TRIGGERS.pointsEarned.handle, true)).status).toBe(200);
  });

  it("retries when Shopify throttles, and drops an event Flow refuses instead of retrying it forever", async () => {
    flowEvents(SHOP).length = 0;
    await paid(SHOP, 14, 6004, "10.00");
    app.double.failNext({ kind: "throttled" }, { operationName: "FlowTriggerReceive", times: 3 });
    await deliverFlowEvents(app.prisma, later(), { sleep: async () => {}, maxAttempts: 3 });
    expect(flowEvents(SHOP)).toEqual([]);
    await deliverFlowEvents(app.prisma, later(60 * 60_000));
    expect(flowEvents(SHOP)).toHaveLength(1);

    await paid(SHOP, 15, 6005, "10.00");
    app.double.failNext(
      { kind: "userErrors", userErrors: [{ field: ["payload"], message: "Invalid payload" }] },
      { operationName: "FlowTriggerReceive" },
    );
    await deliverFlowEvents(app.prisma, later());
    await deliverFlowEvents(app.prisma, later(60 * 60_000));
    expect(flowEvents(SHOP)).toHaveLength(1);
    expect(
      await app.prisma.outboxTask.count({ where: { shopId: shopIds[SHOP], topic: "flow_trigger", deliveredAt: null } }),
    ).toBe(0);
  });

  it("a trigger id Flow names in a way Tally does not know turns every trigger on rather than none", async () => {
    expect((await lifecycle(QUIET, "8f2ad2a4-0c47-4b7e-9a85-5f0a6c1d2e3b", true)).status).toBe(200);
    expect((await enabledTriggers(QUIET)).sort()).toEqual(
      Object.values(FLOW_TRIGGERS)
        .map((trigger) => trigger.handle)
        .sort(),
    );
  });
});

describe("Flow texts in the shop's language", () => {
  const FRENCH = "flow-boutique.myshopify.com";

  beforeAll(async () => {
    const { accessToken } = await app.installShop(FRENCH, { primaryLocale: "fr-FR" });
    await ensureShop(app.prisma, FRENCH, TEST_SCOPES);
    // What Shopify's install (token exchange) runs after the shop is created.
    await learnInstalledShop(app.prisma, FRENCH, accessToken);
    shopIds[FRENCH] = await app.configureProgram(FRENCH, (program) => {
      program.tiers = {
        ...program.tiers,
        levels: [
          {
            id: "silver",
            name: "Silver",
            translations: { fr: { name: "Argent" } },
            threshold: 100,
            earnMultiplier: 1,
            entryBonusPoints: 5,
          },
        ],
      };
      program.rewards = program.rewards.map((reward) =>
        reward.id === "five-off" ? { ...reward, translations: { fr: { name: "5 € de réduction" } } } : reward,
      );
    });
    for (const trigger of Object.values(FLOW_TRIGGERS))
      expect((await lifecycle(FRENCH, trigger.handle, true)).status).toBe(200);
  });

  it("learns at install that a shop whose primary locale is fr-FR speaks French", async () => {
    expect((await app.prisma.shop.findUniqueOrThrow({ where: { domain: FRENCH } })).language).toBe("fr");
    expect((await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).language).toBe("en");
  });

  it("an order's points, the tier it reaches and the tier's welcome bonus reach Flow in French; Direction stays up", async () => {
    await paid(FRENCH, 30, 7001, "120.00");
    await deliverFlowEvents(app.prisma, later());
    const events = flowEvents(FRENCH);
    expect(events).toHaveLength(3);
    expect(events).toEqual(
      expect.arrayContaining([
        {
          handle: "tally-points-earned",
          payload: expect.objectContaining({ customer_id: 7001, Points: 120, Reason: "Commande" }),
        },
        {
          handle: "tally-tier-changed",
          payload: expect.objectContaining({ "Previous tier": "", "New tier": "Argent", Direction: "up" }),
        },
        {
          handle: "tally-points-earned",
          payload: expect.objectContaining({ Points: 5, Reason: "Bienvenue au niveau Argent" }),
        },
      ]),
    );
  });

  it("a reward redeemed reaches Flow under its French name", async () => {
    await paid(FRENCH, 31, 7001, "500.00");
    await deliverFlowEvents(app.prisma, later());
    flowEvents(FRENCH).length = 0;
    const query = appProxyQuery({ shop: FRENCH, customerId: 7001 }, TEST_API_SECRET);
    const redeemed = await fetch(`${app.url}/proxy/redemptions?${query}`, {
      method: "POST",
      headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "five-off" }),
    });
    expect(redeemed.status).toBe(201);
    await deliverOutbox(app.prisma, later());
    await deliverFlowEvents(app.prisma, later());
    expect(flowEvents(FRENCH)).toEqual([
      {
        handle: "tally-reward-redeemed",
        payload: expect.objectContaining({ customer_id: 7001, "Reward name": "5 € de réduction" }),
      },
    ]);
  });
});
