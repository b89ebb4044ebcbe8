import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ledgerDiscrepancies } from "~/loyalty/ledger.server";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload } from "./support/webhook-fixtures";

const SHOP = "orders-shop.myshopify.com";
let app: TestApp;
let shopId: string;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  shopId = (await app.prisma.shop.upsert({ where: { domain: SHOP }, create: { domain: SHOP }, update: {} })).id;
});
afterAll(() => app?.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

const memberOf = (customerId: number) =>
  app.prisma.member.findUniqueOrThrow({ where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(customerId) } } });

describe("a paid order earns points", () => {
  it("earns 1 point per whole unit of the subtotal after discounts, excluding gift cards", async () => {
    const customer = { id: 1001, email: "ann@example.com" };
    const response = await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", {
        id: 5001,
        customer,
        lines: [
          { price: "100.00", discount: "10.00" },
          { price: "30.99" },
          { price: "50.00", giftCard: true },
        ],
      }),
    );
    expect(response.status).toBe(200);
    // 90.00 + 30.99 = 120.99 → 120 points; the gift card earns nothing.
    expect(await memberOf(1001)).toMatchObject({ balance: 120, pending: 0, email: "ann@example.com" });
  });

  it("awards once however many times, and under however many webhook ids, the order arrives", async () => {
    const payload = orderPayload("orders/paid", { id: 5002, customer: { id: 1002, email: "bob@example.com" }, lines: [{ price: "80.00" }] });
    await app.webhook("orders/paid", SHOP, payload, { webhookId: "paid-5002" });
    await app.webhook("orders/paid", SHOP, payload, { webhookId: "paid-5002" });
    await Promise.all([1, 2, 3].map(() => app.webhook("orders/paid", SHOP, payload)));
    expect(Number((await memberOf(1002)).balance)).toBe(80);
    expect(await app.prisma.ledgerEntry.count({ where: { idempotencyKey: "order:5002:earn" } })).toBe(1);
    expect(await app.prisma.webhookDelivery.count({ where: { webhookId: "paid-5002" } })).toBe(1);
  });

  it("records a test order and awards nothing", async () => {
    const payload = orderPayload("orders/paid", { id: 5003, customer: { id: 1003, email: "cat@example.com" }, lines: [{ price: "80.00" }], test: true });
    expect((await app.webhook("orders/paid", SHOP, payload)).status).toBe(200);
    expect(await app.prisma.order.findFirst({ where: { shopifyOrderId: "5003" } })).toMatchObject({ test: true });
    expect(await app.prisma.ledgerEntry.count({ where: { orderId: { not: null }, order: { shopifyOrderId: "5003" } } })).toBe(0);
  });
});

describe("refunds and cancellations take back the order's points", () => {
  it("a refund of 30 on an order of 120 takes back 30 points; cancelling takes back the rest", async () => {
    const customer = { id: 1004, email: "dan@example.com" };
    await app.webhook("orders/paid", SHOP, orderPayload("orders/paid", { id: 5004, customer, lines: [{ price: "120.00", lineItemId: 77001 }] }));
    await app.webhook("refunds/create", SHOP, refundPayload({ id: 6001, orderId: 5004, lines: [{ lineItemId: 77001, subtotal: "30.00" }] }));
    expect(Number((await memberOf(1004)).balance)).toBe(90);
    await app.webhook("orders/cancelled", SHOP, orderPayload("orders/cancelled", { id: 5004, customer, lines: [{ price: "120.00", lineItemId: 77001 }] }));
    expect(Number((await memberOf(1004)).balance)).toBe(0);
  });

  it("a refund delivered before its order converges to the same balance", async () => {
    await app.webhook("refunds/create", SHOP, refundPayload({ id: 6002, orderId: 5005, lines: [{ lineItemId: 77002, subtotal: "30.00" }] }));
    await app.webhook("orders/paid", SHOP, orderPayload("orders/paid", { id: 5005, customer: { id: 1005, email: "eve@example.com" }, lines: [{ price: "120.00", lineItemId: 77002 }] }));
    expect(Number((await memberOf(1005)).balance)).toBe(90);
  });
});

describe("bad input", () => {
  it("answers 400 to a paid order without line items and writes nothing", async () => {
    const response = await app.webhook("orders/paid", SHOP, { id: 5099, created_at: new Date().toISOString() });
    expect(response.status).toBe(400);
    expect(await app.prisma.order.count({ where: { shopifyOrderId: "5099" } })).toBe(0);
  });

  it("answers 400 to malformed JSON", async () => {
    const response = await fetch(`${app.url}/webhooks/orders/paid`, {
      method: "POST",
      headers: { "X-Shopify-Hmac-Sha256": "x", "X-Shopify-Topic": "orders/paid", "X-Shopify-Shop-Domain": SHOP },
      body: "{not json",
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it("records and ignores an order for a shop without Tally", async () => {
    const payload = orderPayload("orders/paid", { id: 5098, customer: { id: 1098, email: "x@example.com" }, lines: [{ price: "10.00" }] });
    const response = await app.webhook("orders/paid", "not-installed.myshopify.com", payload, { webhookId: "stray-1" });
    expect(response.status).toBe(200);
    expect(await app.prisma.webhookDelivery.count({ where: { webhookId: "stray-1" } })).toBe(1);
    expect(await app.prisma.order.count({ where: { shopifyOrderId: "5098" } })).toBe(0);
  });
});
