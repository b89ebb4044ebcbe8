import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expirePoints } from "~/jobs/points.server";
import { dashboardMetrics, dashboardRangeSchema, type DashboardRange } from "~/loyalty/reports/dashboard.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import type { Program } from "~/loyalty/program/program";
import { loadShop } from "~/loyalty/program/program.server";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload } from "./support/webhook-fixtures";

const SHOP = "dashboard-shop.myshopify.com";
const OTHER_SHOP = "dashboard-other.myshopify.com";
const DAY = 86_400_000;
let app: TestApp;
let shopId: string;
let otherShopId: string;

const utcMidnight = (at: number) => Math.floor(at / DAY) * DAY;
/** The day before yesterday through tomorrow (UTC): everything the story writes falls inside. */
const aroundToday = (): DashboardRange => ({
  from: new Date(utcMidnight(Date.now()) - 2 * DAY),
  to: new Date(utcMidnight(Date.now()) + 2 * DAY),
});
const metrics = async (shop: string, range = aroundToday()) => {
  const loaded = await loadShop(app.prisma, shop === SHOP ? shopId : otherShopId);
  return dashboardMetrics(app.prisma, loaded, range, "EUR");
};

async function paidOrder(
  shop: string,
  order: { id: number; customerId: number | null; price: string; lineItemId?: number; test?: boolean },
) {
  const customer = order.customerId ? { id: order.customerId, email: `c${order.customerId}@example.com` } : null;
  const payload = orderPayload("orders/paid", {
    id: order.id,
    customer,
    email: "guest@example.com",
    test: order.test,
    lines: [{ price: order.price, lineItemId: order.lineItemId }],
  });
  expect((await app.webhook("orders/paid", shop, { ...payload, name: `#${order.id}` })).status).toBe(200);
}

function redeem(shop: string, customerId: number, body: { rewardId: string; points?: number }) {
  return fetch(`${app.url}/proxy/redemptions?${appProxyQuery({ shop, customerId }, TEST_API_SECRET)}`, {
    method: "POST",
    headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function adjust(shop: string, customerId: number, points: number, reason: string) {
  const response = await app.admin(`/api/members/${customerId}/adjustments`, shop, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ points, reason, idempotencyKey: `adjust-${customerId}-${points}` }),
  });
  expect(response.status).toBe(201);
}

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  await app.installShop(OTHER_SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.rewards.push(
      {
        ...program.rewards[0]!,
        id: "ten-percent",
        name: "10% off",
        type: "percentage",
        pointsCost: 300,
        percentage: 10,
      } as Program["rewards"][number],
      {
        ...program.rewards[0]!,
        id: "pay",
        name: "Pay with points",
        type: "variable",
        pointsPerStep: 100,
        amountPerStep: 2,
        minPoints: 100,
        maxPoints: 1000,
      } as unknown as Program["rewards"][number],
    );
    program.tiers.levels = [{ id: "gold", name: "Gold", threshold: 600, earnMultiplier: 1, entryBonusPoints: 25 }];
  });
  otherShopId = await app.configureProgram(OTHER_SHOP, () => {});

  // The story of the shop's week, all of it today.
  await paidOrder(SHOP, { id: 1001, customerId: 7001, price: "700.00" }); // 700 points, and Gold's 25
  await paidOrder(SHOP, { id: 1002, customerId: 7002, price: "300.00", lineItemId: 1002001 }); // 300
  await paidOrder(SHOP, { id: 1003, customerId: null, price: "120.00" }); // a guest: no points
  await paidOrder(SHOP, { id: 1004, customerId: 7001, price: "999.00", test: true }); // a test order: nothing
  await paidOrder(SHOP, { id: 1005, customerId: 7002, price: "80.00" }); // 80, taken back below
  const cancelled = orderPayload("orders/cancelled", {
    id: 1005,
    customer: { id: 7002, email: "c7002@example.com" },
    lines: [{ price: "80.00" }],
  });
  expect((await app.webhook("orders/cancelled", SHOP, cancelled)).status).toBe(200);
  const refund = refundPayload({ id: 5001, orderId: 1002, lines: [{ lineItemId: 1002001, subtotal: "100.00" }] });
  expect((await app.webhook("refunds/create", SHOP, refund)).status).toBe(200); // 100 taken back

  expect((await redeem(SHOP, 7001, { rewardId: "five-off" })).status).toBe(201); // 500 spent
  app.double.failNext({
    kind: "userErrors",
    userErrors: [{ field: ["basicCodeDiscount", "code"], message: "Code is invalid" }],
  });
  expect((await redeem(SHOP, 7002, { rewardId: "pay", points: 200 })).status).toBe(502); // 200 spent, given back

  await adjust(SHOP, 7002, 50, "Goodwill for a late parcel");
  await adjust(SHOP, 7002, -30, "Correction of a duplicate");

  await app.configureProgram(SHOP, (program) => {
    program.earning.order.holdDays = 14;
  });
  await paidOrder(SHOP, { id: 1006, customerId: 7003, price: "150.00" }); // 150 pending

  // Another shop, the same Shopify customer id: none of it may show in the first shop's figures.
  await paidOrder(OTHER_SHOP, { id: 1001, customerId: 7001, price: "5000.00" });
  await paidOrder(OTHER_SHOP, { id: 2002, customerId: null, price: "40.00" });
  expect((await redeem(OTHER_SHOP, 7001, { rewardId: "five-off" })).status).toBe(201);
}, 120_000);
afterAll(() => app?.close());

describe("the dashboard's figures", () => {
  it("add up what the orders, refunds, redemptions and adjustments wrote, and nothing of another shop", async () => {
    const figures = await metrics(SHOP);
    expect(figures.members).toEqual({ total: 3, newInRange: 3 });
    expect(figures.points).toEqual({
      issued: 700 + 25 + 300 + 80 + 50 + 150,
      redeemed: 500 + 200 - 200,
      expired: 0,
      reversed: 80 + 100,
      deducted: 30,
    });
    expect(figures.redemptionRate).toBeCloseTo(500 / 1305, 10);
    // 7001: 725 − 500; 7002: 300 − 100 + 50 − 30; 7003: 150 on hold.
    expect(figures.outstanding).toEqual({ balance: 225 + 220, pending: 150 });
    // Pay with points (2.00 per 100 points) is worth more per point than 5 off for 500:
    // 445 spendable points × 200 cents ÷ 100 points = 890 cents; the 150 pending are not counted.
    expect(figures.liability).toEqual({
      amount: 8.9,
      currencyCode: "EUR",
      basis: { rewardId: "pay", rewardName: "Pay with points", points: 100, amount: 2 },
    });
    // Refunds are not deducted; the cancelled and the test order do not count.
    expect(figures.revenue).toEqual({
      currencyCode: "EUR",
      members: { orders: 3, amount: 700 + 300 + 150 },
      others: { orders: 1, amount: 120 },
    });
    // The failed code gave nothing: it is not a popular reward.
    expect(figures.topRewards).toEqual([{ rewardId: "five-off", name: "5 off", redemptions: 1, points: 500 }]);
    expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
  });

  it("shows the other shop only its own", async () => {
    const figures = await metrics(OTHER_SHOP);
    expect(figures.members).toEqual({ total: 1, newInRange: 1 });
    expect(figures.points).toMatchObject({ issued: 5000, redeemed: 500, reversed: 0, deducted: 0 });
    expect(figures.outstanding).toEqual({ balance: 4500, pending: 0 });
    expect(figures.liability.amount).toBe(45);
    expect(figures.revenue.members).toEqual({ orders: 1, amount: 5000 });
    expect(figures.revenue.others).toEqual({ orders: 1, amount: 40 });
  });

  it("gives one point per UTC day of the range, zeros included, matching the ledger's days", async () => {
    const range = aroundToday();
    const figures = await metrics(SHOP, range);
    expect(figures.series.map((day) => day.day)).toEqual(
      [0, 1, 2, 3].map((offset) => new Date(range.from.getTime() + offset * DAY).toISOString().slice(0, 10)),
    );
    const entries = await app.prisma.ledgerEntry.findMany({ where: { shopId } });
    for (const day of figures.series) {
      const that = entries.filter((entry) => entry.createdAt.toISOString().startsWith(day.day));
      // Debits count as positive figures.
      const sum = (pick: (entry: (typeof entries)[number]) => boolean, sign = 1) =>
        that.filter(pick).reduce((total, entry) => total + sign * Number(entry.delta + entry.pendingDelta), 0);
      expect(day.issued).toBe(
        sum((e) => ["earn", "bonus", "action"].includes(e.kind) || (e.kind === "adjust" && e.delta > 0)),
      );
      expect(day.redeemed).toBe(
        sum((e) => e.kind === "redeem" || (e.kind === "reverse" && e.sourceType === "redemption"), -1),
      );
      expect(day.expired).toBe(sum((e) => e.kind === "expire", -1));
    }
    const total = (field: "issued" | "redeemed" | "expired") =>
      figures.series.reduce((sum, day) => sum + day[field], 0);
    expect({ issued: total("issued"), redeemed: total("redeemed"), expired: total("expired") }).toEqual({
      issued: figures.points.issued,
      redeemed: figures.points.redeemed,
      expired: figures.points.expired,
    });
    expect(figures.series[0]).toEqual({ day: figures.series[0]!.day, issued: 0, redeemed: 0, expired: 0 });
  });

  it("counts nothing outside the range but the members and points held now", async () => {
    const from = new Date(utcMidnight(Date.now()) - 30 * DAY);
    const figures = await metrics(SHOP, { from, to: new Date(from.getTime() + 10 * DAY) });
    expect(figures.members).toEqual({ total: 3, newInRange: 0 });
    expect(figures.points).toEqual({ issued: 0, redeemed: 0, expired: 0, reversed: 0, deducted: 0 });
    expect(figures.redemptionRate).toBeNull();
    expect(Number(figures.outstanding.balance)).toBe(445);
    expect(figures.revenue.members).toEqual({ orders: 0, amount: 0 });
    expect(figures.topRewards).toEqual([]);
    expect(figures.series).toHaveLength(10);
    expect(figures.series.every((day) => day.issued === 0 && day.redeemed === 0 && day.expired === 0)).toBe(true);
  });

  it("counts points expired for inactivity, and the liability falls with them", async () => {
    const report = await expirePoints(app.prisma, new Date(Date.now() + 400 * DAY), SHOP);
    expect(report.points).toBe(445);
    const figures = await metrics(SHOP);
    expect(figures.points.expired).toBe(445);
    expect(figures.series.reduce((sum, day) => sum + day.expired, 0)).toBe(445);
    // Held points do not expire; they are not spendable, so not in the liability.
    expect(figures.outstanding).toEqual({ balance: 0, pending: 150 });
    expect(figures.liability.amount).toBe(0);
    expect((await metrics(OTHER_SHOP)).points.expired).toBe(0);
  });
});

describe("the range", () => {
  it("must run forwards, over at most two years", () => {
    expect(dashboardRangeSchema.safeParse({ from: "2026-01-02", to: "2026-01-01" }).success).toBe(false);
    expect(dashboardRangeSchema.safeParse({ from: "2020-01-01", to: "2026-01-01" }).success).toBe(false);
    expect(dashboardRangeSchema.safeParse({ from: "yesterday", to: "2026-01-01" }).success).toBe(false);
    expect(dashboardRangeSchema.parse({ from: "2026-01-01T00:00:00Z", to: "2026-01-31T00:00:00Z" }).to).toEqual(
      new Date("2026-01-31T00:00:00Z"),
    );
  });
});
