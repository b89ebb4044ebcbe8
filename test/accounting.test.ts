import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expirePoints } from "~/jobs/points.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { monthsBetween } from "~/loyalty/reports/accounting";
import { pointsRollForward } from "~/loyalty/reports/accounting.server";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload } from "./support/webhook-fixtures";

// The points liability's roll-forward (issue 25, docs/accounting.md) against the ledger it folds: a
// year of activity made the way Shopify, shoppers and staff make it (paid orders, a refund, a
// cancellation, a redemption, a staff adjustment, expiry), its entries spread over the months in
// the order they were written; every month's closing must be the ledger's outstanding at its end,
// summed the other way. Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.

const SHOP = "accounting-shop.myshopify.com";
const DAY = 86_400_000;
let app: TestApp;
let shopId = "";

const pay = (id: number, customerId: number, price: string, lineItemId: number) =>
  app.webhook(
    "orders/paid",
    SHOP,
    orderPayload("orders/paid", {
      id,
      customer: { id: customerId, email: `a${customerId}@example.com` },
      lines: [{ price, lineItemId }],
    }),
  );

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  await app.admin("/api/program", SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.earning.order.holdDays = 0;
    program.earning.order.pointsPerCurrencyUnit = 1;
    program.expiry = { mode: "fixed", days: 30, remindDaysBefore: [] };
  });

  expect((await pay(31_001, 6001, "800.00", 310_011)).status).toBe(200);
  expect((await pay(31_002, 6002, "300.00", 310_021)).status).toBe(200);
  expect((await pay(31_003, 6003, "120.00", 310_031)).status).toBe(200);
  // A refund of 100 of Ava's 800 and the cancellation of the third order.
  const refund = refundPayload({ id: 31_101, orderId: 31_001, lines: [{ lineItemId: 310_011, subtotal: "100.00" }] });
  expect((await app.webhook("refunds/create", SHOP, refund)).status).toBe(200);
  const cancelled = orderPayload("orders/cancelled", {
    id: 31_003,
    customer: { id: 6003, email: "a6003@example.com" },
    lines: [],
  });
  expect((await app.webhook("orders/cancelled", SHOP, cancelled)).status).toBe(200);
  // The first customer spends 500 on the default "5 off"; staff add 40 to the second.
  const redeemed = await fetch(
    `${app.url}/proxy/redemptions?${appProxyQuery({ shop: SHOP, customerId: 6001 }, TEST_API_SECRET)}`,
    {
      method: "POST",
      headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "five-off" }),
    },
  );
  expect(redeemed.status).toBe(201);
  const adjusted = await app.admin("/api/members/6002/adjustments", SHOP, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ points: 40, reason: "Late parcel", idempotencyKey: "accounting-adjust-1" }),
  });
  expect(adjusted.status).toBe(201);
  // Thirty days on, what is left of the second customer's points expires.
  await expirePoints(app.prisma, new Date(Date.now() + 31 * DAY), SHOP);

  // The year: the entries in the order they were written, spread from January to December.
  await app.prisma.$executeRaw`
    UPDATE "LedgerEntry" e SET "createdAt" = make_timestamp(2025, 1 + (o.rank * 12 / o.total)::int, 15, 12, 0, 0)
      FROM (SELECT id, (ROW_NUMBER() OVER (ORDER BY "createdAt", id) - 1) AS rank, COUNT(*) OVER () AS total
              FROM "LedgerEntry" WHERE "shopId" = ${shopId}) o
     WHERE e.id = o.id`;
});
afterAll(() => app?.close());

describe("the points roll-forward", () => {
  it("each month's closing is the ledger's outstanding at the month's end, and the year's lines add up to what happened", async () => {
    expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
    const months = await pointsRollForward(app.prisma, shopId, { from: "2025-01", to: "2025-12" });
    expect(months.map((month) => month.month)).toEqual([
      "2025-01",
      "2025-02",
      "2025-03",
      "2025-04",
      "2025-05",
      "2025-06",
      "2025-07",
      "2025-08",
      "2025-09",
      "2025-10",
      "2025-11",
      "2025-12",
    ]);
    for (const month of months) {
      const end = new Date(Date.UTC(Number(month.month.slice(0, 4)), Number(month.month.slice(5)), 1));
      const [ledger] = await app.prisma.$queryRaw<{ outstanding: bigint }[]>`
        SELECT COALESCE(SUM(delta + "pendingDelta"), 0)::bigint AS outstanding FROM "LedgerEntry"
         WHERE "shopId" = ${shopId} AND "createdAt" < ${end}`;
      expect(month.closing, month.month).toBe(Number(ledger!.outstanding));
      expect(
        month.opening +
          month.issuedTotal -
          month.redeemedTotal -
          month.reversed +
          month.returned -
          month.expired +
          month.adjusted,
        month.month,
      ).toBe(month.closing);
    }
    expect(months[0]!.opening).toBe(0);
    const year = (pick: (month: (typeof months)[number]) => number) =>
      months.reduce((sum, month) => sum + pick(month), 0);
    // 800 + 300 + 120 earned; 100 taken back by the refund and 120 by the cancellation; 500 spent on a
    // discount; 40 added by staff; the second customer's 340 expired.
    expect(year((month) => month.issued.orders)).toBe(1220);
    expect(year((month) => month.reversed)).toBe(220);
    expect(year((month) => month.redeemed.discounts)).toBe(500);
    expect(year((month) => month.adjusted)).toBe(40);
    expect(year((month) => month.expired)).toBe(340 + 200);
    expect(months.at(-1)!.closing).toBe(0);
    // The cached balances agree with the ledger today.
    const [members] = await app.prisma.$queryRaw<{ held: bigint }[]>`
      SELECT COALESCE(SUM(balance + pending), 0)::bigint AS held FROM "Member" WHERE "shopId" = ${shopId}`;
    expect(Number(members!.held)).toBe(months.at(-1)!.closing);
  });

  it("keeps the sums of closed months and reads them back the same; a month still open is summed from the ledger", async () => {
    const keptMonths = async () =>
      (await app.prisma.ledgerMonthClose.findMany({ where: { shopId }, orderBy: { month: "asc" } })).map((row) =>
        row.month.toISOString().slice(0, 7),
      );
    const range = { from: "2025-01", to: "2025-12" };
    const fromKept = await pointsRollForward(app.prisma, shopId, range);
    expect(await keptMonths()).toEqual(monthsBetween("2025-01", "2025-12"));
    await app.prisma.ledgerMonthClose.deleteMany({ where: { shopId } });
    // On 15 December 2025 December is open: it is summed from the ledger each time, never kept.
    const midDecember = new Date(Date.UTC(2025, 11, 15));
    expect(await pointsRollForward(app.prisma, shopId, range, midDecember)).toEqual(fromKept);
    expect(await keptMonths()).toEqual(monthsBetween("2025-01", "2025-11"));
    expect(await pointsRollForward(app.prisma, shopId, range, midDecember)).toEqual(fromKept);
  });

  it("a range starting later opens with what was outstanding before it", async () => {
    const whole = await pointsRollForward(app.prisma, shopId, { from: "2025-01", to: "2025-12" });
    const second = await pointsRollForward(app.prisma, shopId, { from: "2025-07", to: "2025-12" });
    expect(second[0]!.opening).toBe(whole[5]!.closing);
    expect(second).toEqual(whole.slice(6));
  });
});
