import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdoutBucket } from "~/loyalty/program/holdout";
import { Z_95 } from "~/loyalty/reports/incrementality";
import { incrementalityEstimate } from "~/loyalty/reports/incrementality.server";
import { loadProgramState } from "~/loyalty/program/program.server";
import { appProxyQuery } from "../sandbox/app-proxy-signature";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, webhookPayload } from "./support/webhook-fixtures";

// The holdout (issue 25, docs/roi.md "Holdout and incrementality") driven as Shopify drives Tally:
// signed customers/create and orders/paid webhooks, the App Proxy, the admin's API. Runs on PGlite
// and, with TEST_DATABASE_URL, on PostgreSQL.

const SHOP = "holdout-shop.myshopify.com";
const ESTIMATE_SHOP = "holdout-estimate.myshopify.com";
const DAY = 86_400_000;
let app: TestApp;
let shopId = "";
let nextOrder = 99_100;

const created = (customer: number) =>
  webhookPayload("customers/create", {
    id: customer,
    admin_graphql_api_id: `gid://shopify/Customer/${customer}`,
    email: `h${customer}@example.com`,
    first_name: "Ada",
    last_name: "Held",
  });
const pay = async (shop: string, customer: number, price: string, webhookId?: string, id = nextOrder++) => {
  const payload = orderPayload("orders/paid", {
    id,
    customer: { id: customer, email: `h${customer}@example.com` },
    lines: [{ price }],
    processedAt: new Date().toISOString(),
  });
  expect((await app.webhook("orders/paid", shop, payload, { webhookId })).status).toBe(200);
  return id;
};
const member = (shop: string, customer: number) =>
  app.prisma.member.findFirst({ where: { shop: { domain: shop }, shopifyCustomerId: String(customer) } });
const holds = (customer: number) =>
  app.prisma.holdoutCustomer.findMany({ where: { shopId, shopifyCustomerId: String(customer) } });
const earnedOn = async (shopifyOrderId: number) =>
  app.prisma.ledgerEntry.count({ where: { shopId, idempotencyKey: `order:${shopifyOrderId}:earn` } });

/** Customers the shop's 50% holdout keeps out, and customers it invites, from a range of ids. */
const split = (shop: string, from: number, count: number) => {
  const ids = Array.from({ length: count }, (_, index) => from + index);
  return {
    heldOut: ids.filter((id) => holdoutBucket(shop, String(id)) < 50),
    invited: ids.filter((id) => holdoutBucket(shop, String(id)) >= 50),
  };
};
const turnOnHoldout = (shop: string, days: number) =>
  app.configureProgram(shop, (program) => {
    program.earning.order.holdDays = 0;
    // The page's start is ignored: the server sets it.
    program.holdout = { enabled: true, percent: 50, days, startedAt: "2001-01-01T00:00:00.000Z" };
  });

beforeAll(async () => {
  app = await startTestApp();
  for (const shop of [SHOP, ESTIMATE_SHOP]) await app.installShop(shop);
  shopId = await turnOnHoldout(SHOP, 30);
});
afterAll(async () => {
  await app?.close();
});

describe("the holdout", () => {
  it("starts when the merchant turns it on: the server sets its start", async () => {
    const { state } = await loadProgramState(app.prisma, shopId);
    if (state.status !== "saved") throw new Error("the program does not validate");
    const startedAt = Date.parse(state.program.holdout.startedAt!);
    expect(Date.now() - startedAt).toBeLessThan(60_000);
  });

  it("splits new customers deterministically: the held-out half gets no member on customers/create", async () => {
    const { heldOut, invited } = split(shopId, 8000, 12);
    expect(heldOut.length).toBeGreaterThan(0);
    expect(invited.length).toBeGreaterThan(0);
    for (const customer of [...heldOut, ...invited]) {
      expect((await app.webhook("customers/create", SHOP, created(customer))).status).toBe(200);
    }
    for (const customer of heldOut) {
      expect(await member(SHOP, customer)).toBeNull();
      const [hold] = await holds(customer);
      expect(hold!.heldUntil.getTime() - hold!.createdAt.getTime()).toBeGreaterThan(29.9 * DAY);
    }
    for (const customer of invited) {
      expect(await member(SHOP, customer)).not.toBeNull();
      expect(await holds(customer)).toEqual([]);
    }
  });

  it("keeps one hold however often Shopify delivers customers/create", async () => {
    const [customer] = split(shopId, 8000, 12).heldOut;
    const [before] = await holds(customer!);
    for (const webhookId of ["again-1", "again-2"]) {
      expect((await app.webhook("customers/create", SHOP, created(customer!), { webhookId })).status).toBe(200);
    }
    expect(await holds(customer!)).toEqual([before]);
    expect(await member(SHOP, customer!)).toBeNull();
  });

  it("gives a held-out customer's paid order nothing: a non-member's order, their customer kept", async () => {
    const [customer] = split(shopId, 8000, 12).heldOut;
    const orderId = await pay(SHOP, customer!, "80.00");
    const order = await app.prisma.order.findFirstOrThrow({ where: { shopId, shopifyOrderId: String(orderId) } });
    expect(order).toMatchObject({ memberId: null, shopifyCustomerId: String(customer) });
    expect(await earnedOn(orderId)).toBe(0);
    expect(await member(SHOP, customer!)).toBeNull();
  });

  it("holds a customer first seen through a paid order", async () => {
    const [customer] = split(shopId, 8100, 12).heldOut;
    const orderId = await pay(SHOP, customer!, "25.00");
    expect(await holds(customer!)).toHaveLength(1);
    expect(await member(SHOP, customer!)).toBeNull();
    expect(await earnedOn(orderId)).toBe(0);
    const [invited] = split(shopId, 8100, 12).invited;
    const invitedOrder = await pay(SHOP, invited!, "25.00");
    expect(await earnedOn(invitedOrder)).toBe(1);
  });

  it("answers a held-out shopper's storefront as a guest's, making no member", async () => {
    const [customer] = split(shopId, 8000, 12).heldOut;
    const response = await app.proxy("/member", { shop: SHOP, customerId: customer! });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ loggedIn: false });
    expect(await member(SHOP, customer!)).toBeNull();
  });

  it("refuses what a held-out shopper asks of the program — a reward, a claim, a gift — with 409, making no member", async () => {
    const [, customer] = split(shopId, 8000, 12).heldOut;
    for (const path of ["/redemptions", "/actions/claim", "/donations"]) {
      const query = appProxyQuery({ shop: SHOP, customerId: customer! }, TEST_API_SECRET);
      const response = await fetch(`${app.url}/proxy${path}?${query}`, {
        method: "POST",
        headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
        body: JSON.stringify({ rewardId: "five-off", action: "follow", causeId: "any", points: 100 }),
      });
      expect(response.status, path).toBe(409);
      expect(await response.json(), path).toMatchObject({ error: "not_in_program" });
    }
    expect(await member(SHOP, customer!)).toBeNull();
  });

  it("enrols the customer on their next order after the hold, never awarding what they bought while held", async () => {
    const [customer] = split(shopId, 8000, 12).heldOut;
    const heldOrder = await app.prisma.order.findFirstOrThrow({
      where: { shopId, shopifyCustomerId: String(customer) },
    });
    await app.prisma.holdoutCustomer.updateMany({
      where: { shopId, shopifyCustomerId: String(customer) },
      // The hold ends just after the order it kept from the program.
      data: { heldUntil: new Date(heldOrder.placedAt!.getTime() + 1) },
    });
    const later = await pay(SHOP, customer!, "60.00");
    expect(await member(SHOP, customer!)).not.toBeNull();
    expect(await earnedOn(later)).toBe(1);
    // Shopify redelivers the earlier order, and the customer's profile: still nothing for it.
    await pay(SHOP, customer!, "80.00", "redelivered", Number(heldOrder.shopifyOrderId));
    expect((await app.webhook("customers/update", SHOP, created(customer!))).status).toBe(200);
    expect(await earnedOn(Number(heldOrder.shopifyOrderId))).toBe(0);
    expect(
      await app.prisma.order.findFirstOrThrow({ where: { id: heldOrder.id }, select: { memberId: true } }),
    ).toEqual({ memberId: null });
  });

  it("ends a hold when the merchant adjusts the customer's points: they are enrolled", async () => {
    const [, customer] = split(shopId, 8000, 12).heldOut;
    const adjusted = await app.admin(`/api/members/${customer}/adjustments`, SHOP, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ points: 40, reason: "Goodwill", idempotencyKey: "holdout-adjust-1" }),
    });
    expect(adjusted.status).toBe(201);
    const [hold] = await holds(customer!);
    expect(hold!.heldUntil.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await earnedOn(await pay(SHOP, customer!, "10.00"))).toBe(1);
  });

  it("stops choosing new customers once turned off; existing holds run out", async () => {
    await app.configureProgram(SHOP, (program) => {
      program.holdout.enabled = false;
    });
    const { heldOut } = split(shopId, 8200, 12);
    expect((await app.webhook("customers/create", SHOP, created(heldOut[0]!))).status).toBe(200);
    expect(await member(SHOP, heldOut[0]!)).not.toBeNull();
    const [stillHeld] = split(shopId, 8000, 12).heldOut.slice(2);
    if (stillHeld) expect(await member(SHOP, stillHeld)).toBeNull();
  });
});

describe("the incrementality estimate", () => {
  it("compares held out and invited over their first days, with Welch's 95% interval", async () => {
    const estimateShopId = await turnOnHoldout(ESTIMATE_SHOP, 30);
    const { heldOut, invited } = split(estimateShopId, 8500, 20);
    const [a, b] = invited;
    const [h1, h2] = heldOut;
    for (const customer of [a!, b!, h1!, h2!]) {
      expect((await app.webhook("customers/create", ESTIMATE_SHOP, created(customer))).status).toBe(200);
    }
    // Invited: 150.00 in two orders and 30.00; held out: 20.00 and nothing.
    await pay(ESTIMATE_SHOP, a!, "100.00");
    await pay(ESTIMATE_SHOP, a!, "50.00");
    await pay(ESTIMATE_SHOP, b!, "30.00");
    await pay(ESTIMATE_SHOP, h1!, "20.00");
    const { state } = await loadProgramState(app.prisma, estimateShopId);
    if (state.status !== "saved") throw new Error("the program does not validate");
    // Forty days on, every window of 30 days has ended.
    const later = new Date(Date.now() + 40 * DAY);
    const range = { start: new Date(Date.now() - DAY), end: later };
    const estimate = await incrementalityEstimate(app.prisma, estimateShopId, state.program.holdout, range, later);
    // Invited 15000 and 3000 (variance 72 000 000); held out 2000 and 0 (variance 2 000 000).
    const revenueError = Math.sqrt(72_000_000 / 2 + 2_000_000 / 2);
    const repeatError = Math.sqrt((0.5 * 0.5) / 2);
    expect(estimate).toEqual({
      method: "holdout",
      invited: 2,
      heldOut: 2,
      days: 30,
      repeatRate: {
        invited: 0.5,
        heldOut: 0,
        difference: { estimate: 0.5, low: 0.5 - Z_95 * repeatError, high: 0.5 + Z_95 * repeatError },
      },
      revenuePerCustomer: [
        {
          currencyCode: "EUR",
          invited: 9000,
          heldOut: 1000,
          difference: {
            estimate: 8000,
            low: Math.round(8000 - Z_95 * revenueError),
            high: Math.round(8000 + Z_95 * revenueError),
          },
        },
      ],
    });

    // Without the holdout: the same members before and after joining, an association.
    const withoutHoldout = { ...state.program.holdout, enabled: false, startedAt: null };
    const prePost = await incrementalityEstimate(app.prisma, estimateShopId, withoutHoldout, range, later);
    expect(prePost).toEqual({
      method: "pre_post",
      members: 2,
      days: 30,
      revenuePerMember: [
        {
          currencyCode: "EUR",
          before: 0,
          after: 9000,
          difference: {
            estimate: 9000,
            low: Math.round(9000 - Z_95 * Math.sqrt(72_000_000 / 2)),
            high: Math.round(9000 + Z_95 * Math.sqrt(72_000_000 / 2)),
          },
        },
      ],
    });
  });
});
