import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expirePoints } from "~/jobs/points.server";
import type { Program } from "~/loyalty/program/program";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import type { AccountingStatement } from "~/loyalty/reports/accounting-statement";
import type { BreakageReport } from "~/loyalty/reports/breakage";
import { breakageCohortSums } from "~/loyalty/reports/breakage.server";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, webhookPayload } from "./support/webhook-fixtures";

/*
 * Breakage by cohort (issue 25, docs/accounting.md#breakage) on a known history made the way
 * Shopify and shoppers make it: January's orders issue 1000 points; 300 are redeemed, a redemption
 * that fails gives 200 back (not issued again), and the expiry job takes the other 700 — a settled
 * cohort with 70% breakage. February's 700 points are partly outstanding (one customer merged into
 * another: the moved points are not issued twice), so February stays out of the rate. Then the
 * page, its CSV. Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
 */

const SHOP = "breakage-shop.myshopify.com";
const OTHER_SHOP = "breakage-other.myshopify.com";
const DAY = 86_400_000;
let app: TestApp;
let shopId = "";

const pay = (shop: string, id: number, customerId: number, price: string) =>
  app.webhook(
    "orders/paid",
    shop,
    orderPayload("orders/paid", {
      id,
      customer: { id: customerId, email: `b${customerId}@example.com` },
      lines: [{ price, lineItemId: id * 10 + 1 }],
    }),
  );

const redeem = (customerId: number, points: number) =>
  fetch(`${app.url}/proxy/redemptions?${appProxyQuery({ shop: SHOP, customerId }, TEST_API_SECRET)}`, {
    method: "POST",
    headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
    body: JSON.stringify({ rewardId: "pay", points }),
  });

/** The database's clock: rows written before it are January's, after it February's. */
const databaseNow = async () =>
  (await app.prisma.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AT TIME ZONE 'UTC' AS now`)[0]!.now;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  await app.installShop(OTHER_SHOP);
  const setUp = (program: Program) => {
    program.earning.order.holdDays = 0;
    program.earning.order.pointsPerCurrencyUnit = 1;
    program.expiry = { mode: "fixed", days: 30, remindDaysBefore: [] };
    program.rewards.push({
      ...program.rewards[0]!,
      id: "pay",
      name: "Pay with points",
      type: "variable",
      pointsPerStep: 100,
      amountPerStep: 1,
      minPoints: 100,
      maxPoints: 1000,
    } as unknown as Program["rewards"][number]);
  };
  shopId = await app.configureProgram(SHOP, setUp);
  await app.configureProgram(OTHER_SHOP, setUp);

  // January: 600 + 400 issued; the first customer redeems 300; the second's redemption of 200
  // fails in Shopify and its points come back; thirty days on, everything left expires.
  expect((await pay(SHOP, 61_001, 9001, "600.00")).status).toBe(200);
  expect((await pay(SHOP, 61_002, 9002, "400.00")).status).toBe(200);
  expect((await redeem(9001, 300)).status).toBe(201);
  app.double.failNext({
    kind: "userErrors",
    userErrors: [{ field: ["basicCodeDiscount", "code"], message: "Code is invalid" }],
  });
  expect((await redeem(9002, 200)).status).toBe(502);
  await expirePoints(app.prisma, new Date(Date.now() + 31 * DAY), SHOP);
  const february = await databaseNow();

  // February: 500 + 200 issued; 200 redeemed; the second customer merged into the first (their 200
  // move); another shop's points count nowhere.
  expect((await pay(SHOP, 62_001, 9003, "500.00")).status).toBe(200);
  expect((await pay(SHOP, 62_002, 9004, "200.00")).status).toBe(200);
  expect((await redeem(9003, 200)).status).toBe(201);
  const merge = webhookPayload("customers/merge", {
    admin_graphql_api_customer_kept_id: "gid://shopify/Customer/9003",
    admin_graphql_api_customer_deleted_id: "gid://shopify/Customer/9004",
    status: "completed",
    errors: [],
  });
  expect((await app.webhook("customers/merge", SHOP, merge)).status).toBe(200);
  expect((await pay(OTHER_SHOP, 63_001, 9001, "999.00")).status).toBe(200);

  // Into January and February 2025, each phase moved as a block so the order of its rows stays.
  for (const table of ["PointLot", "LedgerEntry"]) {
    await app.prisma.$executeRawUnsafe(
      `UPDATE "${table}" SET "createdAt" = CASE
         WHEN "createdAt" < $2 THEN "createdAt" - ($2 - TIMESTAMP '2025-01-20 12:00:00')
         ELSE "createdAt" - ($2 - TIMESTAMP '2025-02-15 12:00:00') END
       WHERE "shopId" = $1`,
      shopId,
      february,
    );
  }
}, 120_000);
afterAll(() => app?.close());

type PageData = { statement: AccountingStatement; breakage: BreakageReport };

async function pageData(query: string): Promise<PageData> {
  const response = await app.admin(`/app/accounting.data${query}`, SHOP);
  expect(response.status).toBe(200);
  const decoded = (await decode(response.body!)).value as Record<string, { data: PageData }>;
  return decoded["routes/app.accounting"]!.data;
}

describe("breakage by cohort", () => {
  it("January: 1000 issued, 700 expired, 300 spent, settled; February: outstanding, not settled", async () => {
    expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
    expect(await breakageCohortSums(app.prisma, shopId)).toEqual([
      // The 200 a failed redemption gave back are not issued again; they expired with the rest.
      { month: "2025-01", issued: 1000, expired: 300 + 200 + 200, outstanding: 0 },
      // The merge's copy of the 200 is not issued again; it is outstanding with the 300 left.
      { month: "2025-02", issued: 700, expired: 0, outstanding: 500 },
    ]);
  });

  it("the page: the cohorts, a 70% rate from January alone, and the closing net of expected breakage", async () => {
    const { statement, breakage } = await pageData("?from=2025-01&to=2025-02");
    expect(statement.basis).toEqual({
      points: 100,
      amountMinorUnits: 100,
      reward: { id: "pay", name: "Pay with points" },
    });
    expect(breakage.cohorts).toEqual([
      { month: "2025-01", issued: 1000, expired: 700, outstanding: 0, spent: 300, settled: true, breakageRate: 0.7 },
      { month: "2025-02", issued: 700, expired: 0, outstanding: 500, spent: 200, settled: false, breakageRate: 0 },
    ]);
    expect(breakage.rate).toEqual({
      settledCohorts: 1,
      issued: 1000,
      expired: 700,
      rate: 0.7,
      expectedRedemptionRate: 1 - 0.7,
    });
    // 500 outstanding at the end of February, 30% of them expected to be redeemed: 150 points.
    expect(breakage.liability).toEqual({ grossPoints: 500, netPoints: 150, grossAmount: "5.00", netAmount: "1.50" });
    // A range after the cohorts: no cohort shown, the rate still from the history.
    const later = await pageData("?from=2025-03&to=2025-03");
    expect(later.breakage.cohorts).toEqual([]);
    expect(later.breakage.rate.rate).toBe(0.7);
  });

  it("the CSV: the roll-forward unchanged, then the breakage block", async () => {
    const csv = await (await app.admin("/app/export/accounting?from=2025-01&to=2025-02", SHOP)).text();
    const lines = csv.replace(/^\uFEFF/, "").split("\n");
    expect(lines.slice(0, 2)).toEqual([
      "valued_at,100 points = 1.00 EUR,the catalog's best rate: reward Pay with points",
      "month,line,points,amount,currency",
    ]);
    expect(lines).toContain("2025-02,closing,500,5.00,EUR");
    expect(lines.slice(2 + 2 * 17)).toEqual([
      "",
      "cohort,issued,expired,spent,outstanding,breakage_rate,settled",
      "2025-01,1000,700,300,0,0.7000,yes",
      "2025-02,700,0,200,500,0.0000,no",
      "",
      "measure,value,amount,currency",
      "breakage_rate,0.7000,,",
      "expected_redemption_rate,0.3000,,",
      "rate_settled_cohorts,1,,",
      "rate_issued_points,1000,,",
      "liability_gross,500,5.00,EUR",
      "liability_net_of_breakage,150,1.50,EUR",
      "",
    ]);
  });
});
