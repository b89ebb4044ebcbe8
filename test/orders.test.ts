import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { reconcileOrders } from "~/jobs/points.server";
import { scoreAwaitingOrders } from "~/jobs/score-orders.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { startTestApp, type TestApp } from "./support/test-app";
import { sendSignedWebhook } from "./support/signed-webhook";
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
  app.prisma.member.findUniqueOrThrow({
    where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(customerId) } },
  });

describe("a paid order earns points", () => {
  it("earns 1 point per whole unit of the subtotal after discounts, excluding gift cards", async () => {
    const customer = { id: 1001, email: "ann@example.com" };
    const response = await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", {
        id: 5001,
        customer,
        lines: [{ price: "100.00", discount: "10.00" }, { price: "30.99" }, { price: "50.00", giftCard: true }],
      }),
    );
    expect(response.status).toBe(200);
    // 90.00 + 30.99 = 120.99 → 120 points; the gift card earns nothing.
    expect(await memberOf(1001)).toMatchObject({ balance: 120, pending: 0, email: "ann@example.com" });
  });

  it("awards once however many times, and under however many webhook ids, the order arrives", async () => {
    const payload = orderPayload("orders/paid", {
      id: 5002,
      customer: { id: 1002, email: "bob@example.com" },
      lines: [{ price: "80.00" }],
    });
    await app.webhook("orders/paid", SHOP, payload, { webhookId: "paid-5002" });
    await app.webhook("orders/paid", SHOP, payload, { webhookId: "paid-5002" });
    await Promise.all([1, 2, 3].map(() => app.webhook("orders/paid", SHOP, payload)));
    expect(Number((await memberOf(1002)).balance)).toBe(80);
    expect(await app.prisma.ledgerEntry.count({ where: { idempotencyKey: "order:5002:earn" } })).toBe(1);
    expect(await app.prisma.webhookDelivery.count({ where: { webhookId: "paid-5002" } })).toBe(1);
  });

  it("records a test order and awards nothing", async () => {
    const payload = orderPayload("orders/paid", {
      id: 5003,
      customer: { id: 1003, email: "cat@example.com" },
      lines: [{ price: "80.00" }],
      test: true,
    });
    expect((await app.webhook("orders/paid", SHOP, payload)).status).toBe(200);
    expect(await app.prisma.order.findFirst({ where: { shopifyOrderId: "5003" } })).toMatchObject({ test: true });
    expect(
      await app.prisma.ledgerEntry.count({ where: { orderId: { not: null }, order: { shopifyOrderId: "5003" } } }),
    ).toBe(0);
  });
});

describe("refunds and cancellations take back the order's points", () => {
  it("a refund of 30 on an order of 120 takes back 30 points; cancelling takes back the rest", async () => {
    const customer = { id: 1004, email: "dan@example.com" };
    await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", { id: 5004, customer, lines: [{ price: "120.00", lineItemId: 77001 }] }),
    );
    await app.webhook(
      "refunds/create",
      SHOP,
      refundPayload({ id: 6001, orderId: 5004, lines: [{ lineItemId: 77001, subtotal: "30.00" }] }),
    );
    expect(Number((await memberOf(1004)).balance)).toBe(90);
    await app.webhook(
      "orders/cancelled",
      SHOP,
      orderPayload("orders/cancelled", { id: 5004, customer, lines: [{ price: "120.00", lineItemId: 77001 }] }),
    );
    expect(Number((await memberOf(1004)).balance)).toBe(0);
  });

  it("a refund delivered before its order converges to the same balance", async () => {
    await app.webhook(
      "refunds/create",
      SHOP,
      refundPayload({ id: 6002, orderId: 5005, lines: [{ lineItemId: 77002, subtotal: "30.00" }] }),
    );
    await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", {
        id: 5005,
        customer: { id: 1005, email: "eve@example.com" },
        lines: [{ price: "120.00", lineItemId: 77002 }],
      }),
    );
    expect(Number((await memberOf(1005)).balance)).toBe(90);
  });
});

// A payload broken on purpose, field by field, the way a hostile or buggy sender would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mangled = Record<string, any>;

describe("bad input", () => {
  it("answers 400 to a paid order without line items and writes nothing", async () => {
    const response = await app.webhook("orders/paid", SHOP, { id: 5099, created_at: new Date().toISOString() });
    expect(response.status).toBe(400);
    expect(await app.prisma.order.count({ where: { shopifyOrderId: "5099" } })).toBe(0);
  });

  it("answers 400 to malformed JSON signed with the app's secret and writes nothing", async () => {
    const before = await app.prisma.webhookDelivery.count();
    const response = await sendSignedWebhook(app.url, {
      route: "orders/paid",
      topic: "orders/paid",
      shop: SHOP,
      body: "{not json",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_json" });
    expect(await app.prisma.webhookDelivery.count()).toBe(before);
  });

  const paid = (id: number, change: (payload: Mangled) => void, lines = [{ price: "10.00" }]) => {
    const payload = orderPayload("orders/paid", {
      id,
      customer: { id: 1090 + (id % 10), email: `bad${id}@example.com` },
      lines,
    }) as Mangled;
    change(payload);
    return payload;
  };
  const malformed: [string, Record<string, unknown>][] = [
    [
      "created_at is not a date",
      paid(5090, (p) => {
        p.created_at = "not-a-date";
        p.processed_at = "not-a-date";
      }),
    ],
    [
      "a discount allocation is negative",
      paid(5091, (p) => {
        p.line_items[0].discount_allocations = [
          {
            amount: "-1000.00",
            amount_set: {
              shop_money: { amount: "-1000.00", currency_code: "EUR" },
              presentment_money: { amount: "-1000.00", currency_code: "EUR" },
            },
            discount_application_index: 0,
          },
        ];
      }),
    ],
    [
      "the order id is 1.5",
      paid(5092, (p) => {
        p.id = 1.5;
        delete p.admin_graphql_api_id;
      }),
    ],
    [
      "a line's id is 1.5",
      paid(5093, (p) => {
        p.line_items[0].id = 1.5;
        delete p.line_items[0].admin_graphql_api_id;
      }),
    ],
    [
      "a price is not a decimal",
      paid(5094, (p) => {
        p.line_items[0].price = "1e400";
        p.line_items[0].price_set.shop_money.amount = "1e400";
      }),
    ],
    [
      "a price is absurd",
      paid(5095, (p) => {
        p.line_items[0].price = "1".repeat(30);
        p.line_items[0].price_set.shop_money.amount = "1".repeat(30);
      }),
    ],
    [
      "the quantity is absurd",
      paid(5096, (p) => {
        p.line_items[0].quantity = 1e12;
      }),
    ],
    [
      "there are absurdly many lines",
      paid(5097, (p) => {
        p.line_items = Array.from({ length: 5_000 }, () => p.line_items[0]);
      }),
    ],
  ];
  it.each(malformed)("answers 400 when %s and writes nothing", async (_, payload) => {
    const before = await app.prisma.webhookDelivery.count();
    const response = await app.webhook("orders/paid", SHOP, payload);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_payload" });
    expect(await app.prisma.webhookDelivery.count()).toBe(before);
    expect(await app.prisma.order.count({ where: { shopifyOrderId: String(payload.id) } })).toBe(0);
    expect(await app.prisma.member.count({ where: { shopId, email: { startsWith: "bad" } } })).toBe(0);
  });

  it("answers 400 to a refund with a negative or non-decimal subtotal", async () => {
    for (const subtotal of ["-30.00", "thirty"]) {
      const payload = refundPayload({
        id: 6090,
        orderId: 5001,
        lines: [{ lineItemId: 77090, subtotal: "30.00" }],
      }) as Mangled;
      payload.refund_line_items[0].subtotal = subtotal;
      payload.refund_line_items[0].subtotal_set.shop_money.amount = subtotal;
      expect((await app.webhook("refunds/create", SHOP, payload)).status, subtotal).toBe(400);
    }
    expect(await app.prisma.orderRefund.count({ where: { shopifyRefundId: "6090" } })).toBe(0);
  });

  it("records and ignores an order for a shop without Tally", async () => {
    const payload = orderPayload("orders/paid", {
      id: 5098,
      customer: { id: 1098, email: "x@example.com" },
      lines: [{ price: "10.00" }],
    });
    const response = await app.webhook("orders/paid", "not-installed.myshopify.com", payload, { webhookId: "stray-1" });
    expect(response.status).toBe(200);
    expect(await app.prisma.webhookDelivery.count({ where: { webhookId: "stray-1" } })).toBe(1);
    expect(await app.prisma.order.count({ where: { shopifyOrderId: "5098" } })).toBe(0);
  });
});

describe("product facts within the webhook's budget", () => {
  // Lines of product 632910392 (the fixture's) earn double: scoring needs the product's tags.
  const DOUBLED = 632910392;
  beforeAll(async () => {
    app.double.shop(SHOP).products = [{ id: DOUBLED, tags: ["double"], productType: "Shoes", collectionIds: [] }];
    await app.configureProgram(SHOP, (program) => {
      program.earning.order.productRules = [
        {
          name: "Double",
          match: { productIds: [], tags: ["double"], collectionIds: [], productTypes: [] },
          multiplier: 2,
        },
      ];
    });
  });
  afterEach(() => app.double.reset());

  const scoreAwaiting = () => scoreAwaitingOrders(app.prisma, new Date());

  it("scores the order in the webhook when Shopify answers in time", async () => {
    const response = await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", {
        id: 5201,
        customer: { id: 1201, email: "fox@example.com" },
        lines: [{ price: "40.00", productId: DOUBLED }],
      }),
    );
    expect(response.status).toBe(200);
    expect((await memberOf(1201)).balance).toBe(80n);
  });

  it("answers 200 at once when Shopify is slow; the outbox awards the order later, once", async () => {
    app.double.delayResponses(6_000);
    const payload = orderPayload("orders/paid", {
      id: 5202,
      customer: { id: 1202, email: "gil@example.com" },
      lines: [{ price: "40.00", productId: DOUBLED }],
    });
    const started = Date.now();
    const response = await app.webhook("orders/paid", SHOP, payload, { webhookId: "slow-5202" });
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await app.prisma.ledgerEntry.count({ where: { idempotencyKey: "order:5202:earn" } })).toBe(0);
    expect(await app.prisma.outboxTask.count({ where: { shopId, key: "order:5202:score", deliveredAt: null } })).toBe(
      1,
    );

    // Shopify redelivers the same webhook: a duplicate, answered without asking Shopify again.
    const callsBefore = app.double.callsTo("ProductFacts").length;
    expect((await app.webhook("orders/paid", SHOP, payload, { webhookId: "slow-5202" })).status).toBe(200);
    expect(app.double.callsTo("ProductFacts").length).toBe(callsBefore);

    app.double.reset();
    await scoreAwaiting();
    expect((await memberOf(1202)).balance).toBe(80n);
    // Again, and the same order under a new webhook id: still one award.
    await scoreAwaiting();
    expect((await app.webhook("orders/paid", SHOP, payload)).status).toBe(200);
    expect((await memberOf(1202)).balance).toBe(80n);
    expect(await app.prisma.ledgerEntry.count({ where: { idempotencyKey: "order:5202:earn" } })).toBe(1);
  });

  it("does not wait on Admin API retries when Shopify fails; the outbox retries until Shopify answers", async () => {
    app.double.failNext({ kind: "http", status: 503 }, { operationName: "ProductFacts", times: 2 });
    const started = Date.now();
    const response = await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", {
        id: 5203,
        customer: { id: 1203, email: "hat@example.com" },
        lines: [{ price: "40.00", productId: DOUBLED }],
      }),
    );
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(app.double.callsTo("ProductFacts")).toHaveLength(1);
    expect(await app.prisma.ledgerEntry.count({ where: { idempotencyKey: "order:5203:earn" } })).toBe(0);
    // The worker's gateway retries (one 503 left), then scores.
    await scoreAwaiting();
    expect((await memberOf(1203)).balance).toBe(80n);
  });

  it("reconciliation scores a missed order with its product facts, and only once", async () => {
    const now = new Date().toISOString();
    app.double.shop(SHOP).orders.push({
      id: 5204,
      name: "#5204",
      test: false,
      email: "ivy@example.com",
      createdAt: now,
      processedAt: now,
      updatedAt: now,
      cancelledAt: null,
      taxesIncluded: false,
      displayFinancialStatus: "PAID",
      customer: { id: 1204, email: "ivy@example.com" },
      lineItems: [
        { id: 52040, quantity: 1, isGiftCard: false, productId: DOUBLED, unitPrice: "40.00", discount: "0.00" },
      ],
      refunds: [],
    });
    await reconcileOrders(app.prisma, new Date(), { shopDomain: SHOP });
    expect((await memberOf(1204)).balance).toBe(80n);
    const factsCalls = app.double.callsTo("ProductFacts").length;
    await reconcileOrders(app.prisma, new Date(), { shopDomain: SHOP });
    expect((await memberOf(1204)).balance).toBe(80n);
    // An order already paid keeps its points: no product look-up on later passes.
    expect(app.double.callsTo("ProductFacts").length).toBe(factsCalls);
  });

  it("drops a waiting order whose shop uninstalled, leaving it to reconciliation", async () => {
    const GONE = "score-gone-shop.myshopify.com";
    await app.installShop(GONE);
    await app.configureProgram(GONE, (program) => {
      program.earning.order.productRules = [
        {
          name: "Double",
          match: { productIds: [], tags: ["double"], collectionIds: [], productTypes: [] },
          multiplier: 2,
        },
      ];
    });
    app.double.failNext({ kind: "http", status: 503 }, { operationName: "ProductFacts" });
    const payload = orderPayload("orders/paid", {
      id: 5205,
      customer: { id: 1205, email: "jay@example.com" },
      lines: [{ price: "40.00", productId: DOUBLED }],
    });
    expect((await app.webhook("orders/paid", GONE, payload)).status).toBe(200);
    expect((await app.webhook("app/uninstalled", GONE, { id: 1, myshopify_domain: GONE })).status).toBe(200);
    await scoreAwaiting();
    const task = await app.prisma.outboxTask.findFirstOrThrow({ where: { key: "order:5205:score" } });
    expect(task).toMatchObject({ attempts: 1, deliveredAt: expect.any(Date) });
    expect(await app.prisma.ledgerEntry.count({ where: { idempotencyKey: "order:5205:earn" } })).toBe(0);
  });
});
