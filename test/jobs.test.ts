import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  awardBirthdays,
  expirePoints,
  reconcileOrders,
  releaseHeldPoints,
  remindExpiringPoints,
} from "~/jobs/points.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import type { Program } from "~/loyalty/program/program";
import type { DoubleOrder } from "../sandbox/admin-api-double";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

const DAY = 86_400_000;
const HELD = "hold-shop.myshopify.com";
const FIXED = "fixed-expiry-shop.myshopify.com";
const DEFAULTS = "default-shop.myshopify.com";
let app: TestApp;
const shopIds: Record<string, string> = {};

const configure = (shop: string, change: (program: Program) => void) => app.configureProgram(shop, change);

beforeAll(async () => {
  app = await startTestApp();
  for (const shop of [HELD, FIXED, DEFAULTS]) {
    await app.installShop(shop);
    await app.admin("/api/program", shop);
    shopIds[shop] = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id;
  }
  await configure(HELD, (program) => {
    program.earning.order.holdDays = 14;
  });
  await configure(FIXED, (program) => {
    program.expiry = { mode: "fixed", days: 30, remindDaysBefore: [7] };
    program.earning.birthday = { points: 100 };
  });
});
afterAll(() => app?.close());
afterEach(async () => {
  for (const shopId of Object.values(shopIds)) expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

const member = (shop: string, customerId: number) =>
  app.prisma.member.findUniqueOrThrow({
    where: { shopId_shopifyCustomerId: { shopId: shopIds[shop]!, shopifyCustomerId: String(customerId) } },
  });
const paid = (shop: string, id: number, customerId: number, price: string, placedAt = new Date()) =>
  app.webhook(
    "orders/paid",
    shop,
    orderPayload("orders/paid", {
      id,
      customer: { id: customerId, email: `c${customerId}@example.com` },
      lines: [{ price }],
      processedAt: placedAt.toISOString(),
    }),
  );

describe("the hold period", () => {
  it("keeps an order's points pending for the hold, then releases them", async () => {
    await paid(HELD, 1, 11, "100.00");
    expect(await member(HELD, 11)).toMatchObject({ balance: 0, pending: 100 });
    await releaseHeldPoints(app.prisma, new Date(Date.now() + 13 * DAY));
    expect(await member(HELD, 11)).toMatchObject({ balance: 0, pending: 100 });
    await releaseHeldPoints(app.prisma, new Date(Date.now() + 15 * DAY));
    await releaseHeldPoints(app.prisma, new Date(Date.now() + 16 * DAY));
    expect(await member(HELD, 11)).toMatchObject({ balance: 100, pending: 0 });
  });
});

describe("expiry", () => {
  it("closes lots past their fixed expiry, once", async () => {
    await paid(FIXED, 2, 21, "40.00", new Date(Date.now() - 40 * DAY));
    await paid(FIXED, 3, 21, "15.00", new Date(Date.now() - 5 * DAY));
    expect(Number((await member(FIXED, 21)).balance)).toBe(55);
    const report = await expirePoints(app.prisma, new Date());
    await expirePoints(app.prisma, new Date());
    expect(report).toMatchObject({ processed: 1, points: 40 });
    expect(Number((await member(FIXED, 21)).balance)).toBe(15);
  });

  it("closes every due lot of each member in one pass, and keeps the lots not yet due", async () => {
    await paid(FIXED, 12, 26, "40.00", new Date(Date.now() - 45 * DAY));
    await paid(FIXED, 13, 26, "30.00", new Date(Date.now() - 35 * DAY));
    await paid(FIXED, 14, 27, "20.00", new Date(Date.now() - 40 * DAY));
    await paid(FIXED, 15, 27, "10.00", new Date(Date.now() - 2 * DAY));
    expect(await expirePoints(app.prisma, new Date())).toMatchObject({ processed: 2, points: 90 });
    expect(await expirePoints(app.prisma, new Date())).toMatchObject({ processed: 0, points: 0 });
    expect(Number((await member(FIXED, 26)).balance)).toBe(0);
    expect(Number((await member(FIXED, 27)).balance)).toBe(10);
  });

  it("expires everything of a member who has not earned for a year, and nothing of an active one", async () => {
    await paid(DEFAULTS, 4, 31, "70.00", new Date(Date.now() - 400 * DAY));
    await paid(DEFAULTS, 5, 32, "70.00", new Date(Date.now() - 400 * DAY));
    await paid(DEFAULTS, 6, 32, "10.00", new Date(Date.now() - 10 * DAY));
    await expirePoints(app.prisma, new Date());
    expect(Number((await member(DEFAULTS, 31)).balance)).toBe(0);
    expect(Number((await member(DEFAULTS, 32)).balance)).toBe(80);
  });

  it("reminds once, N days before points expire, when the shop has a Flow workflow for it", async () => {
    await paid(FIXED, 7, 22, "25.00", new Date(Date.now() - 25 * DAY));
    const reminders = () =>
      app.prisma.outboxTask.findMany({ where: { shopId: shopIds[FIXED], topic: "flow_trigger" } });
    await remindExpiringPoints(app.prisma, new Date());
    expect(await reminders()).toHaveLength(0);

    await app.prisma.shop.update({
      where: { id: shopIds[FIXED] },
      data: { flowTriggersEnabled: ["tally-points-expiring"] },
    });
    await remindExpiringPoints(app.prisma, new Date());
    await remindExpiringPoints(app.prisma, new Date());
    const tasks = await reminders();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.payload).toMatchObject({
      handle: "tally-points-expiring",
      fields: { "Points expiring": 25, "Days left": 5 },
    });
  });
});

describe("birthdays", () => {
  it("awards birthday points once a year", async () => {
    await paid(FIXED, 8, 23, "1.00");
    const today = new Date();
    await app.prisma.member.update({
      where: { id: (await member(FIXED, 23)).id },
      data: { birthday: new Date(Date.UTC(1990, today.getUTCMonth(), today.getUTCDate())) },
    });
    await awardBirthdays(app.prisma, today);
    await awardBirthdays(app.prisma, today);
    expect(Number((await member(FIXED, 23)).balance)).toBe(101);
  });
});

describe("reconciliation", () => {
  it("awards the orders and refunds whose webhooks never arrived, through the same idempotent paths", async () => {
    const now = new Date();
    const order = (
      id: number,
      customerId: number,
      price: string,
      refunds: DoubleOrder["refunds"] = [],
    ): DoubleOrder => ({
      id,
      name: `#${id}`,
      test: false,
      email: `c${customerId}@example.com`,
      createdAt: now.toISOString(),
      processedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      cancelledAt: null,
      taxesIncluded: false,
      displayFinancialStatus: refunds.length ? "PARTIALLY_REFUNDED" : "PAID",
      customer: { id: customerId, email: `c${customerId}@example.com` },
      lineItems: [{ id: id * 10, quantity: 1, isGiftCard: false, productId: 1, unitPrice: price, discount: "0.00" }],
      refunds,
    });
    const shop = app.double.shop(DEFAULTS);
    shop.orders.push(
      order(901, 41, "120.00", [
        { id: 9011, createdAt: now.toISOString(), lines: [{ lineItemId: 9010, subtotal: "30.00" }] },
      ]),
    );
    shop.orders.push(order(902, 42, "50.00"));
    // One of them did arrive as a webhook.
    await paid(DEFAULTS, 902, 42, "50.00");

    await reconcileOrders(app.prisma, new Date(), { shopDomain: DEFAULTS });
    await reconcileOrders(app.prisma, new Date(), { shopDomain: DEFAULTS });
    expect(Number((await member(DEFAULTS, 41)).balance)).toBe(90);
    expect(Number((await member(DEFAULTS, 42)).balance)).toBe(50);
    expect(app.double.callsTo("OrdersUpdatedSince")).toHaveLength(2);
    expect(app.double.callsTo("RefundLines")).toHaveLength(2);
  });
});
