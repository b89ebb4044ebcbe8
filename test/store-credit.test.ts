import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { creditStoreCredits, expireUnusedCodes } from "~/jobs/outbox.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { loadShop } from "~/loyalty/program/program.server";
import { dashboardMetrics } from "~/loyalty/reports/dashboard.server";
import { refreshStoreCreditSettings } from "~/loyalty/rewards/store-credit.server";
import type { Program } from "~/loyalty/program/program";
import type { DoubleCustomer } from "../sandbox/admin-api-double";
import { appProxyQuery, mintSessionToken } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/** Points become Shopify store credit: issue 19, part 1. */

const SHOP = "credit-shop.myshopify.com";
const YEN_SHOP = "credit-yen.myshopify.com";
let app: TestApp;
const shopIds: string[] = [];
let nextOrderId = 1;

const customer = (id: number): DoubleCustomer => ({
  id,
  email: `c${id}@example.com`,
  firstName: `Shopper${id}`,
  lastName: "Credit",
  phone: null,
  tags: [],
  createdAt: "2026-01-01T00:00:00Z",
  numberOfOrders: 0,
  amountSpent: "0.00",
});

const storeCreditReward = (amountPerStep: number, creditExpiryDays: number | null = null) =>
  ({
    id: "credit",
    name: "Store credit",
    type: "store_credit",
    pointsPerStep: 100,
    amountPerStep,
    minPoints: 100,
    maxPoints: 5000,
    creditExpiryDays,
  }) as unknown as Program["rewards"][number];

beforeAll(async () => {
  app = await startTestApp();
  const customers = Array.from({ length: 20 }, (_, index) => customer(7001 + index));
  await app.installShop(SHOP, { customers });
  await app.installShop(YEN_SHOP, { customers });
  app.double.shop(YEN_SHOP).currencyCode = "JPY";
  await app.configureProgram(SHOP, (program) => void program.rewards.push(storeCreditReward(1, 90)));
  await app.configureProgram(YEN_SHOP, (program) => void program.rewards.push(storeCreditReward(100)));
  for (const domain of [SHOP, YEN_SHOP]) {
    shopIds.push((await app.prisma.shop.findUniqueOrThrow({ where: { domain } })).id);
  }
});
afterAll(() => app?.close());
afterEach(async () => {
  for (const shopId of shopIds) expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
  app.double.reset();
});

async function earn(customerId: number, price: string, shop = SHOP) {
  const response = await app.webhook(
    "orders/paid",
    shop,
    orderPayload("orders/paid", {
      id: nextOrderId++,
      customer: { id: customerId, email: `c${customerId}@example.com` },
      lines: [{ price }],
    }),
  );
  expect(response.status).toBe(200);
}

const proxyUrl = (path: string, customerId: number, shop = SHOP) =>
  `${app.url}/proxy${path}?${appProxyQuery({ shop, customerId }, TEST_API_SECRET)}`;
const member = async (customerId: number, shop = SHOP) =>
  (await fetch(proxyUrl("/member", customerId, shop), { headers: { "User-Agent": BROWSER_USER_AGENT } })).json();
async function redeem(customerId: number, points: number, options: { key?: string; shop?: string } = {}) {
  const response = await fetch(proxyUrl("/redemptions", customerId, options.shop), {
    method: "POST",
    headers: {
      "User-Agent": BROWSER_USER_AGENT,
      "Content-Type": "application/json",
      ...(options.key ? { "Idempotency-Key": options.key } : {}),
    },
    body: JSON.stringify({ rewardId: "credit", points }),
  });
  return { status: response.status, body: await response.json() };
}
const balance = async (customerId: number) => (await member(customerId)).points.balance as number;
const creditsOf = (customerId: number, shop = SHOP) =>
  app.double
    .shop(shop)
    .storeCreditAccounts.filter((account) => account.customerId === customerId)
    .flatMap((account) => account.credits.map((credit) => ({ ...credit, currencyCode: account.currencyCode })));
const inAMinute = () => new Date(Date.now() + 60_000);

describe("converting points to store credit", () => {
  it("credits the customer's store credit in the shop's currency, once, and shows it", async () => {
    await earn(7001, "2000.00");
    const { status, body } = await redeem(7001, 1200);
    expect(status).toBe(201);
    expect(body.redemption).toMatchObject({
      status: "active",
      pointsSpent: 1200,
      code: null,
      storeCredit: { amount: "12.00", currencyCode: "EUR" },
    });
    expect(creditsOf(7001)).toEqual([
      expect.objectContaining({
        amount: 1200,
        currencyCode: "EUR",
        idempotencyKey: `tally-redemption-${body.redemption.id}`,
      }),
    ]);
    const [call] = app.double.callsTo("CreditStoreCredit");
    expect(call!.variables).toMatchObject({
      customerId: "gid://shopify/Customer/7001",
      creditInput: { creditAmount: { amount: "12.00", currencyCode: "EUR" } },
    });
    // The reward's 90 days of validity travel with the credit.
    expect(Date.parse(String((call!.variables.creditInput as { expiresAt: string }).expiresAt))).toBeGreaterThan(
      Date.now() + 89 * 86_400_000,
    );
    const view = await member(7001);
    expect(view.points.balance).toBe(800);
    expect(view.storeCredit).toEqual({ amount: "12.00", currencyCode: "EUR", fromPoints: 1200 });
    expect(view.rewards.find((r: { id: string }) => r.id === "credit")).toMatchObject({
      available: true,
      pointsCost: 800,
      storeCredit: { amount: "8.00", currencyCode: "EUR", pointsPerStep: 100, minPoints: 100, maxPoints: 5000 },
    });
  });

  it("credits exactly once when Shopify's first answer is lost: the retry finds the credit that landed", async () => {
    await earn(7002, "1000.00");
    app.double.failNext({ kind: "lostAnswer" }, { operationName: "CreditStoreCredit" });
    const { status, body } = await redeem(7002, 500);
    expect(status).toBe(201);
    expect(body.redemption).toMatchObject({ status: "pending", storeCredit: { amount: "5.00", currencyCode: "EUR" } });
    expect(creditsOf(7002)).toHaveLength(1);

    await creditStoreCredits(app.prisma, inAMinute());
    const redemption = await app.prisma.redemption.findUniqueOrThrow({ where: { id: body.redemption.id } });
    expect(redemption.status).toBe("active");
    expect(redemption.storeCreditTransactionId).toBe(creditsOf(7002)[0]!.id);
    // Looked up, not sent again.
    expect(app.double.callsTo("StoreCreditCredits")).toHaveLength(1);
    expect(app.double.callsTo("CreditStoreCredit")).toHaveLength(1);
    expect(creditsOf(7002)).toHaveLength(1);
    expect(await balance(7002)).toBe(500);
  });

  it("is retried by the outbox when Shopify is throttled, and credits once", async () => {
    await earn(7003, "1000.00");
    app.double.failNext({ kind: "throttled" }, { operationName: "CreditStoreCredit" });
    const { status, body } = await redeem(7003, 300);
    expect(status).toBe(201);
    expect(body.redemption.status).toBe("pending");
    expect(creditsOf(7003)).toEqual([]);

    const report = await creditStoreCredits(app.prisma, inAMinute());
    expect(report).toMatchObject({ job: "store_credit", processed: 1, points: 300 });
    expect(creditsOf(7003)).toEqual([expect.objectContaining({ amount: 300 })]);
    // Done: a later pass has nothing to do.
    expect((await creditStoreCredits(app.prisma, new Date(Date.now() + 3_600_000))).processed).toBe(0);
    expect(creditsOf(7003)).toHaveLength(1);
  });

  it("answers a retried request (same Idempotency-Key) with the same redemption", async () => {
    await earn(7004, "1000.00");
    const first = await redeem(7004, 200, { key: "credit-key-7004" });
    const again = await redeem(7004, 200, { key: "credit-key-7004" });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.redemption.id).toBe(first.body.redemption.id);
    expect(creditsOf(7004)).toHaveLength(1);
    expect(await balance(7004)).toBe(800);
  });

  it("refuses points that are not whole steps within the bounds, spending nothing", async () => {
    await earn(7005, "1000.00");
    expect((await redeem(7005, 150)).status).toBe(422);
    expect((await redeem(7005, 6000)).status).toBe(422);
    expect((await redeem(7005, 2000)).body).toMatchObject({ error: "insufficient_points", balance: 1000 });
    expect(await balance(7005)).toBe(1000);
    expect(app.double.callsTo("CreditStoreCredit")).toEqual([]);
  });
});

describe("where store credit does not work", () => {
  it("is unavailable while store credit is off in Shopify: 409, points untouched, nothing asked of Shopify", async () => {
    await earn(7006, "1000.00");
    app.double.shop(SHOP).storeCreditEnabled = false;
    try {
      // The merchant saves the program: Tally reads the setting again.
      await app.configureProgram(SHOP, () => {});
      const view = await member(7006);
      expect(view.rewards.find((r: { id: string }) => r.id === "credit")).toMatchObject({
        available: false,
        reason: "store_credit_disabled",
      });
      const { status, body } = await redeem(7006, 500);
      expect(status).toBe(409);
      expect(body).toEqual({
        error: "reward_unavailable",
        reason: "store_credit_disabled",
        message: "Store credit is not available in this store right now.",
      });
      expect(await balance(7006)).toBe(1000);
      expect(await app.prisma.redemption.count({ where: { member: { shopifyCustomerId: "7006" } } })).toBe(0);
      expect(app.double.callsTo("CreditStoreCredit")).toEqual([]);
    } finally {
      app.double.shop(SHOP).storeCreditEnabled = true;
      await app.configureProgram(SHOP, () => {});
    }
  });

  it("reads Shopify's setting again before a conversion when the last reading is old", async () => {
    await earn(7007, "1000.00");
    app.double.shop(SHOP).storeCreditEnabled = false;
    await app.prisma.shop.update({
      where: { domain: SHOP },
      data: { storeCreditCheckedAt: new Date(Date.now() - 2 * 3_600_000) },
    });
    try {
      expect((await redeem(7007, 500)).status).toBe(409);
      expect(app.double.callsTo("StoreCreditConfiguration")).toHaveLength(1);
      expect(await balance(7007)).toBe(1000);
    } finally {
      app.double.shop(SHOP).storeCreditEnabled = true;
      await app.configureProgram(SHOP, () => {});
    }
  });

  it("is read again every hour for the shops that offer store credit", async () => {
    const stale = new Date(Date.now() - 2 * 3_600_000);
    await app.prisma.shop.updateMany({ where: { id: { in: shopIds } }, data: { storeCreditCheckedAt: stale } });
    app.double.shop(SHOP).storeCreditEnabled = false;
    try {
      expect(await refreshStoreCreditSettings(app.prisma, new Date())).toBe(2);
      const shop = await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
      expect(shop).toMatchObject({ storeCreditEnabled: false, currencyCode: "EUR" });
      // Fresh readings are left alone.
      expect(await refreshStoreCreditSettings(app.prisma, new Date())).toBe(0);
    } finally {
      app.double.shop(SHOP).storeCreditEnabled = true;
      await app.configureProgram(SHOP, () => {});
    }
  });

  it("fails and gives the points back when Shopify refuses the credit (the account's limit)", async () => {
    await earn(7008, "3000.00");
    app.double.shop(SHOP).storeCreditLimit = 2000; // 20.00 EUR
    try {
      expect((await redeem(7008, 1500)).status).toBe(201);
      const { status, body } = await redeem(7008, 1000);
      expect(status).toBe(409);
      expect(body).toMatchObject({
        error: "store_credit_not_credited",
        reason: "credit_limit_exceeded",
        redemption: { status: "failed", pointsSpent: 1000 },
        message: "Your store credit has reached this store's limit, so your points are back in your balance.",
      });
      expect(await balance(7008)).toBe(1500);
      const activity = await (
        await fetch(proxyUrl("/member/activity", 7008), { headers: { "User-Agent": BROWSER_USER_AGENT } })
      ).json();
      expect(activity.entries[0]).toMatchObject({
        kind: "reverse",
        points: 1000,
        description: "Points returned: the store credit could not be added",
      });
      expect(creditsOf(7008)).toEqual([expect.objectContaining({ amount: 1500 })]);
    } finally {
      app.double.shop(SHOP).storeCreditLimit = 100_000_000;
    }
  });

  it("fails with Shopify's reason on any user error (a currency Shopify does not take)", async () => {
    await earn(7009, "1000.00");
    app.double.failNext(
      {
        kind: "userErrors",
        userErrors: [{ field: ["creditInput"], message: "Currency not supported", code: "UNSUPPORTED_CURRENCY" }],
      },
      { operationName: "CreditStoreCredit" },
    );
    const { status, body } = await redeem(7009, 400);
    expect(status).toBe(409);
    expect(body.reason).toBe("unsupported_currency");
    expect(await balance(7009)).toBe(1000);
  });
});

describe("store credit is no discount code", () => {
  it("is never marked used by an order's codes nor expired as an unused code", async () => {
    await earn(7010, "1000.00");
    const { body } = await redeem(7010, 100);
    const stored = await app.prisma.redemption.findUniqueOrThrow({ where: { id: body.redemption.id } });
    expect(stored.code).toMatch(/^store-credit:/);
    const order = orderPayload("orders/paid", {
      id: nextOrderId++,
      customer: { id: 7010, email: "c7010@example.com" },
      lines: [{ price: "10.00" }],
    });
    const paid = await app.webhook("orders/paid", SHOP, {
      ...order,
      discount_codes: [stored.code.toUpperCase(), stored.code].map((code) => ({
        code,
        amount: "1.00",
        type: "fixed_amount",
      })),
    });
    expect(paid.status).toBe(200);
    await app.prisma.redemption.update({
      where: { id: stored.id },
      data: { endsAt: new Date(Date.now() - 10 * 86_400_000) },
    });
    await expireUnusedCodes(app.prisma, new Date());
    const after = await app.prisma.redemption.findUniqueOrThrow({ where: { id: stored.id } });
    expect(after.status).toBe("active");
    expect(after.usedOnOrderId).toBeNull();
  });
});

describe("reports", () => {
  it("count converted points as redeemed: they left the liability for Shopify's store credit", async () => {
    const shop = await loadShop(app.prisma, shopIds[1]!);
    const range = { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 86_400_000) };
    const before = await dashboardMetrics(app.prisma, shop, range, "JPY");
    await earn(7013, "3000", YEN_SHOP);
    expect((await redeem(7013, 2000, { shop: YEN_SHOP })).status).toBe(201);
    const after = await dashboardMetrics(app.prisma, shop, range, "JPY");
    expect(after.points.redeemed - before.points.redeemed).toBe(2000);
    expect(after.points.issued - before.points.issued).toBe(3000);
  });
});

describe("currencies", () => {
  it("credits whole yen in a JPY shop (no decimals)", async () => {
    await earn(7011, "5000", YEN_SHOP);
    const { status, body } = await redeem(7011, 1200, { shop: YEN_SHOP });
    expect(status).toBe(201);
    expect(body.redemption.storeCredit).toEqual({ amount: "1200", currencyCode: "JPY" });
    expect(creditsOf(7011, YEN_SHOP)).toEqual([expect.objectContaining({ amount: 1200, currencyCode: "JPY" })]);
    expect(app.double.callsTo("CreditStoreCredit")[0]!.variables).toMatchObject({
      creditInput: { creditAmount: { amount: "1200", currencyCode: "JPY" } },
    });
  });
});

describe("POST /api/extension/redemptions", () => {
  it("converts through the extensions' door too", async () => {
    await earn(7012, "1000.00");
    const token = await mintSessionToken({
      shop: SHOP,
      apiKey: TEST_API_KEY,
      apiSecret: TEST_API_SECRET,
      subject: "gid://shopify/Customer/7012",
    });
    const response = await fetch(`${app.url}/api/extension/redemptions`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        Origin: "https://extensions.shopifycdn.com",
        "User-Agent": BROWSER_USER_AGENT,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ rewardId: "credit", points: 700 }),
    });
    expect(response.status).toBe(201);
    expect((await response.json()).redemption.storeCredit).toEqual({ amount: "7.00", currencyCode: "EUR" });
    expect(creditsOf(7012)).toEqual([expect.objectContaining({ amount: 700 })]);
  });
});
