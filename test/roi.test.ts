import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roiFigures } from "~/loyalty/reports/roi.server";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

// The ROI figures (issue 25, docs/roi.md) on a small known population, its orders sent as Shopify's
// signed orders/paid webhooks and its join dates set in the database. Runs on PGlite and, with
// TEST_DATABASE_URL, on PostgreSQL.

const SHOP = "roi-shop.myshopify.com";
const OTHER_SHOP = "roi-other.myshopify.com";
const RANGE = { from: "2025-01", to: "2025-12" };
let app: TestApp;
let shopId = "";
let nextOrder = 97_000;
let nextLine = 970_000;

const pay = async (
  shop: string,
  customer: number | null,
  placed: string,
  price: string,
  options: { test?: boolean } = {},
) => {
  const payload = orderPayload("orders/paid", {
    id: nextOrder++,
    customer: customer ? { id: customer, email: `c${customer}@example.com` } : null,
    email: customer ? undefined : `guest${nextOrder}@example.com`,
    lines: [{ price, lineItemId: nextLine++ }],
    processedAt: `${placed}T10:00:00Z`,
    test: options.test,
  });
  expect((await app.webhook("orders/paid", shop, payload)).status).toBe(200);
};

/** The member's join date, as if Tally had enrolled the customer then. */
const joined = async (customer: number, at: string) => {
  const updated = await app.prisma.$executeRaw`
    UPDATE "Member" SET "createdAt" = ${new Date(`${at}T00:00:00Z`)}
     WHERE "shopId" = ${shopId} AND "shopifyCustomerId" = ${String(customer)}`;
  expect(updated).toBe(1);
};

beforeAll(async () => {
  app = await startTestApp();
  for (const shop of [SHOP, OTHER_SHOP]) {
    await app.installShop(shop);
    await app.configureProgram(shop, (program) => {
      program.earning.order.holdDays = 0;
    });
  }
  shopId = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id;
  // A: two orders before joining on 1 July (89 days apart), two after (48 days apart).
  await pay(SHOP, 1001, "2025-02-10", "100.00");
  await pay(SHOP, 1001, "2025-05-10", "50.00");
  await pay(SHOP, 1001, "2025-07-15", "200.00");
  await pay(SHOP, 1001, "2025-09-01", "100.00");
  // B: joined 1 March, ordered that month and the next.
  await pay(SHOP, 1002, "2025-03-10", "40.00");
  await pay(SHOP, 1002, "2025-04-05", "60.00");
  // C: one order, then joined in December without ordering since.
  await pay(SHOP, 1003, "2025-06-01", "30.00");
  await joined(1001, "2025-07-01");
  await joined(1002, "2025-03-01");
  await joined(1003, "2025-12-01");
  // Counted nowhere: a guest's order, a test order, an order before the range, another shop's.
  await pay(SHOP, null, "2025-04-01", "500.00");
  await pay(SHOP, 1002, "2025-04-20", "70.00", { test: true });
  await pay(SHOP, 1001, "2024-12-20", "80.00");
  await pay(OTHER_SHOP, 1001, "2025-08-01", "90.00");
});
afterAll(async () => {
  await app?.close();
});

describe("ROI figures", () => {
  it("compares members' orders with customers' orders placed while not members, guests apart", async () => {
    const figures = await roiFigures(app.prisma, shopId, RANGE, new Date());
    expect(figures.members).toEqual({
      customers: 2,
      orders: 4,
      repeatRate: 1,
      frequency: 2,
      retention90: 1,
      retentionBase: 2,
      money: [{ currencyCode: "EUR", revenue: 40000, aov: 10000, perCustomer: 20000 }],
    });
    // A before joining (two orders 89 days apart: retained) and C (one order).
    expect(figures.others).toEqual({
      customers: 2,
      orders: 3,
      repeatRate: 0.5,
      frequency: 1.5,
      retention90: 0.5,
      retentionBase: 2,
      money: [{ currencyCode: "EUR", revenue: 18000, aov: 6000, perCustomer: 9000 }],
    });
  });

  it("leaves a first order less than 90 days before the range's end out of retention", async () => {
    // Up to 1 May 2025: B's first member order (10 March) is 52 days old, A's earlier one 80.
    const figures = await roiFigures(app.prisma, shopId, { from: "2025-01", to: "2025-04" }, new Date());
    expect(figures.members).toMatchObject({ customers: 1, retentionBase: 0, retention90: null });
    expect(figures.others).toMatchObject({ customers: 1, orders: 1, repeatRate: 0, retentionBase: 0 });
  });

  it("draws retention by join month: the share of each cohort that ordered 1, 2 … months after joining", async () => {
    const { cohorts } = await roiFigures(app.prisma, shopId, RANGE, new Date());
    expect(cohorts).toHaveLength(12);
    const cohort = (month: string) => cohorts.find((entry) => entry.month === month)!;
    expect(cohort("2025-03")).toEqual({
      month: "2025-03",
      members: 1,
      shares: [1, 0, 0, 0, 0, 0, 0, 0, 0, null, null],
    });
    expect(cohort("2025-07")).toEqual({
      month: "2025-07",
      members: 1,
      shares: [0, 1, 0, 0, 0, null, null, null, null, null, null],
    });
    expect(cohort("2025-12")).toEqual({ month: "2025-12", members: 1, shares: Array(11).fill(null) });
    expect(cohort("2025-01")).toEqual({ month: "2025-01", members: 0, shares: Array(11).fill(null) });
  });

  it("compares the same members' revenue per month before and after joining", async () => {
    const { beforeAfter } = await roiFigures(app.prisma, shopId, RANGE, new Date());
    // Only A ordered on both sides: 150.00 over the 181 days to 1 July, 300.00 over the 184 after.
    expect(beforeAfter).toEqual([
      {
        currencyCode: "EUR",
        members: 1,
        before: Math.round((15000 * 365.2425) / 12 / 181),
        after: Math.round((30000 * 365.2425) / 12 / 184),
      },
    ]);
    expect(beforeAfter[0]).toMatchObject({ before: 2522, after: 4963 });
  });
});
