import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program/program";
import type { AccountingStatement } from "~/loyalty/reports/accounting-statement";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload } from "./support/webhook-fixtures";

/*
 * The merchant's accounting page (issue 25, docs/accounting.md): the points roll-forward over a
 * range of months in points and in money at the stated value per point, its CSV, and the value per
 * point saved through the program's validation. Activity made the way Shopify, shoppers and staff
 * make it, then dated into the months. Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
 */

const SHOP = "accounting-admin.myshopify.com";
const OTHER_SHOP = "accounting-admin-other.myshopify.com";
let app: TestApp;
let shopId = "";

const pay = (shop: string, id: number, customerId: number, price: string, lineItemId: number) =>
  app.webhook(
    "orders/paid",
    shop,
    orderPayload("orders/paid", {
      id,
      customer: { id: customerId, email: `a${customerId}@example.com` },
      lines: [{ price, lineItemId }],
    }),
  );

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  await app.installShop(OTHER_SHOP);
  const setUp = (program: Program) => {
    program.earning.order.holdDays = 0;
    program.earning.order.pointsPerCurrencyUnit = 1;
  };
  shopId = await app.configureProgram(SHOP, setUp);
  await app.configureProgram(OTHER_SHOP, setUp);

  // Two paid orders (800 and 300 points), a refund of 100 of the first, the first customer's
  // 500-point "5 off", and staff taking 40 from the second; another shop's order counts nowhere.
  expect((await pay(SHOP, 41_001, 7001, "800.00", 410_011)).status).toBe(200);
  expect((await pay(SHOP, 41_002, 7002, "300.00", 410_021)).status).toBe(200);
  expect((await pay(OTHER_SHOP, 41_003, 7003, "999.00", 410_031)).status).toBe(200);
  const refund = refundPayload({ id: 41_101, orderId: 41_001, lines: [{ lineItemId: 410_011, subtotal: "100.00" }] });
  expect((await app.webhook("refunds/create", SHOP, refund)).status).toBe(200);
  const redeemed = await fetch(
    `${app.url}/proxy/redemptions?${appProxyQuery({ shop: SHOP, customerId: 7001 }, TEST_API_SECRET)}`,
    {
      method: "POST",
      headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "five-off" }),
    },
  );
  expect(redeemed.status).toBe(201);
  const adjusted = await app.admin("/api/members/7002/adjustments", SHOP, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ points: -40, reason: "Duplicate order", idempotencyKey: "accounting-admin-adjust-1" }),
  });
  expect(adjusted.status).toBe(201);

  // Earned in December 2024 (before the range: the opening), refunded in January, spent and
  // adjusted in February; March is quiet.
  await app.prisma.$executeRaw`
    UPDATE "LedgerEntry" SET "createdAt" = CASE kind
      WHEN 'earn' THEN TIMESTAMP '2024-12-15 12:00:00'
      WHEN 'reverse' THEN TIMESTAMP '2025-01-10 12:00:00'
      WHEN 'redeem' THEN TIMESTAMP '2025-02-10 12:00:00'
      ELSE TIMESTAMP '2025-02-20 12:00:00' END
     WHERE "shopId" = ${shopId}`;
});
afterAll(() => app?.close());

type PageData = { program: Program; revision: number; statement: AccountingStatement };

async function pageData(query: string): Promise<PageData> {
  const response = await app.admin(`/app/accounting.data${query}`, SHOP);
  expect(response.status).toBe(200);
  const decoded = (await decode(response.body!)).value as Record<string, { data: PageData }>;
  return decoded["routes/app.accounting"]!.data;
}

async function save(program: unknown, revision: number) {
  const response = await app.admin("/app/accounting.data", SHOP, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ program, revision }),
  });
  const decoded = (await decode(response.body!)).value as { data: unknown } | unknown;
  return {
    status: response.status,
    answer: (decoded && typeof decoded === "object" && "data" in decoded ? decoded.data : decoded) as {
      ok: boolean;
      issues?: { path: string; message: string }[];
    },
  };
}

const storedProgram = async () =>
  (await app.prisma.shop.findUniqueOrThrow({ where: { id: shopId } })).program as unknown as Program;

const row = (statement: AccountingStatement, line: string) =>
  statement.rows.find((candidate) => candidate.line === line)!;

describe("the accounting page", () => {
  it("shows the roll-forward per month and over the range, in points and at the catalog's best rate", async () => {
    const { statement } = await pageData("?from=2025-01&to=2025-03");
    expect(statement.months).toEqual(["2025-01", "2025-02", "2025-03"]);
    expect(statement.currencyCode).toBe("EUR");
    // The default catalog's "5 off" for 500 points.
    expect(statement.basis).toEqual({ points: 500, amountMinorUnits: 500, reward: { id: "five-off", name: "5 off" } });
    const figures = (line: string) => {
      const { points, total, amounts, totalAmount } = row(statement, line);
      return { points, total, amounts, totalAmount };
    };
    expect(figures("opening")).toEqual({
      points: [1100, 1000, 460],
      total: 1100,
      amounts: ["11.00", "10.00", "4.60"],
      totalAmount: "11.00",
    });
    expect(figures("issued_orders")).toEqual({
      points: [0, 0, 0],
      total: 0,
      amounts: ["0.00", "0.00", "0.00"],
      totalAmount: "0.00",
    });
    expect(figures("reversed")).toEqual({
      points: [100, 0, 0],
      total: 100,
      amounts: ["1.00", "0.00", "0.00"],
      totalAmount: "1.00",
    });
    expect(figures("redeemed_discounts")).toEqual({
      points: [0, 500, 0],
      total: 500,
      amounts: ["0.00", "5.00", "0.00"],
      totalAmount: "5.00",
    });
    expect(figures("adjusted")).toEqual({
      points: [0, -40, 0],
      total: -40,
      amounts: ["0.00", "-0.40", "0.00"],
      totalAmount: "-0.40",
    });
    expect(figures("closing")).toEqual({
      points: [1000, 460, 460],
      total: 460,
      amounts: ["10.00", "4.60", "4.60"],
      totalAmount: "4.60",
    });
    expect(statement.rows.map((line) => line.line)).toEqual([
      "opening",
      "issued_orders",
      "issued_bonuses",
      "issued_tiers",
      "issued_referrals",
      "issued_campaigns",
      "issued_partners",
      "issued_actions",
      "issued_imports",
      "redeemed_discounts",
      "redeemed_store_credit",
      "redeemed_donations",
      "reversed",
      "returned",
      "expired",
      "adjusted",
      "closing",
    ]);
  });

  it("defaults to the twelve months ending this one (UTC)", async () => {
    const { statement } = await pageData("");
    const now = new Date();
    const month = (date: Date) => date.toISOString().slice(0, 7);
    expect(statement.range).toEqual({
      from: month(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1))),
      to: month(now),
    });
    expect(statement.months).toHaveLength(12);
  });

  it("refuses a range that is not one (400)", async () => {
    for (const query of ["?from=2025-13&to=2025-12", "?from=2025-03&to=2025-01", "?from=2000-01&to=2025-01", "?to=x"]) {
      const response = await app.admin(`/app/accounting.data${query}`, SHOP);
      expect(response.status, query).toBe(400);
      const csv = await app.admin(`/app/export/accounting${query}`, SHOP);
      expect(csv.status, query).toBe(400);
    }
  });
});

describe("the CSV", () => {
  it("has the basis first, then a row per month and line with points and amount, then the breakage", async () => {
    const response = await app.admin("/app/export/accounting?from=2025-02&to=2025-02", SHOP);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe(
      'attachment; filename="tally-accounting-2025-02-2025-02.csv"',
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.slice(3))).toBe(
      [
        "valued_at,500 points = 5.00 EUR,the catalog's best rate: reward 5 off",
        "month,line,points,amount,currency",
        "2025-02,opening,1000,10.00,EUR",
        "2025-02,issued_orders,0,0.00,EUR",
        "2025-02,issued_bonuses,0,0.00,EUR",
        "2025-02,issued_tiers,0,0.00,EUR",
        "2025-02,issued_referrals,0,0.00,EUR",
        "2025-02,issued_campaigns,0,0.00,EUR",
        "2025-02,issued_partners,0,0.00,EUR",
        "2025-02,issued_actions,0,0.00,EUR",
        "2025-02,issued_imports,0,0.00,EUR",
        "2025-02,redeemed_discounts,500,5.00,EUR",
        "2025-02,redeemed_store_credit,0,0.00,EUR",
        "2025-02,redeemed_donations,0,0.00,EUR",
        "2025-02,reversed,0,0.00,EUR",
        "2025-02,returned,0,0.00,EUR",
        "2025-02,expired,0,0.00,EUR",
        // A deduction stays a number: formula escaping leaves plain numbers alone.
        "2025-02,adjusted,-40,-0.40,EUR",
        "2025-02,closing,460,4.60,EUR",
        // The breakage block: no cohort in the range (the lots are this month's), none settled.
        "",
        "cohort,issued,expired,spent,outstanding,breakage_rate,settled",
        "",
        "measure,value,amount,currency",
        "breakage_rate,,,",
        "expected_redemption_rate,,,",
        "rate_settled_cohorts,0,,",
        "rate_issued_points,0,,",
        "liability_gross,460,4.60,EUR",
        "liability_net_of_breakage,,,EUR",
        "",
      ].join("\n"),
    );
  });
});

describe("the value per point", () => {
  it("refuses a value that does not validate (422) and saves nothing", async () => {
    const { program, revision } = await pageData("?from=2025-01&to=2025-01");
    for (const pointValue of [
      { points: 0, amount: 1 },
      { points: 100, amount: 0 },
      { points: 100, amount: 1.005 },
      { points: 1.5, amount: 1 },
      { points: 100 },
    ]) {
      const { status, answer } = await save({ ...program, accounting: { pointValue } }, revision);
      expect(status, JSON.stringify(pointValue)).toBe(422);
      expect(answer.ok).toBe(false);
      expect(answer.issues?.some((issue) => issue.path.startsWith("accounting.pointValue"))).toBe(true);
    }
    expect((await storedProgram()).accounting).toEqual({ pointValue: null, goals: [] });
    expect((await pageData("?from=2025-01&to=2025-01")).revision).toBe(revision);
  });

  it("saves the merchant's value: the page and the CSV state it and value the points at it", async () => {
    const { program, revision } = await pageData("?from=2025-01&to=2025-01");
    const { status, answer } = await save(
      { ...program, accounting: { pointValue: { points: 200, amount: 1.5 } } },
      revision,
    );
    expect(status).toBe(200);
    expect(answer.ok).toBe(true);
    expect((await storedProgram()).accounting).toEqual({ pointValue: { points: 200, amount: 1.5 }, goals: [] });

    const { statement } = await pageData("?from=2025-02&to=2025-02");
    expect(statement.basis).toEqual({ points: 200, amountMinorUnits: 150, reward: null });
    // 460 × 1.50 ÷ 200 = 3.45; 40 × 1.50 ÷ 200 = 0.30.
    expect(row(statement, "closing").amounts).toEqual(["3.45"]);
    expect(row(statement, "adjusted").amounts).toEqual(["-0.30"]);
    const csv = await (await app.admin("/app/export/accounting?from=2025-02&to=2025-02", SHOP)).text();
    const lines = csv.replace(/^\uFEFF/, "").split("\n");
    expect(lines[0]).toBe("valued_at,200 points = 1.50 EUR,the merchant's value");
    expect(lines).toContain("2025-02,closing,460,3.45,EUR");
  });
});
