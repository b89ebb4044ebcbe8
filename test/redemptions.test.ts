import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deliverOutbox, expireUnusedCodes } from "~/jobs/outbox.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import type { Program } from "~/loyalty/program/program";
import { appProxyQuery, mintSessionToken } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

const SHOP = "rewards-shop.myshopify.com";
const DAY = 86_400_000;
let app: TestApp;
let shopId: string;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  const { program, revision } = (await (await app.admin("/api/program", SHOP)).json()) as {
    program: Program;
    revision: number;
  };
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
      id: "ship",
      name: "Free shipping",
      type: "free_shipping",
      pointsCost: 200,
      maxShippingPrice: 15,
    } as Program["rewards"][number],
    {
      ...program.rewards[0]!,
      id: "free-mug",
      name: "Free mug",
      type: "free_product",
      pointsCost: 800,
      variantId: "5550",
    } as unknown as Program["rewards"][number],
    {
      ...program.rewards[0]!,
      id: "pay-with-points",
      name: "Pay with points",
      type: "variable",
      pointsPerStep: 100,
      amountPerStep: 1,
      minPoints: 100,
      maxPoints: 1000,
      codePrefix: "PTS-",
    } as unknown as Program["rewards"][number],
  );
  const saved = await app.admin("/api/program", SHOP, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ program, revision }),
  });
  expect(saved.status).toBe(200);
  shopId = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id;
});
afterAll(() => app?.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
  app.double.reset();
});

async function earn(customerId: number, price: string, orderId: number) {
  const response = await app.webhook(
    "orders/paid",
    SHOP,
    orderPayload("orders/paid", {
      id: orderId,
      customer: { id: customerId, email: `c${customerId}@example.com` },
      lines: [{ price }],
    }),
  );
  expect(response.status).toBe(200);
}

const proxyUrl = (path: string, customerId: number | null, extra: Record<string, string> = {}) =>
  `${app.url}/proxy${path}?${appProxyQuery({ shop: SHOP, customerId, extra }, TEST_API_SECRET)}`;
const getMember = async (customerId: number | null) =>
  (await fetch(proxyUrl("/member", customerId), { headers: { "User-Agent": BROWSER_USER_AGENT } })).json();
const redeem = (customerId: number | null, body: unknown, headers: Record<string, string> = {}) =>
  fetch(proxyUrl("/redemptions", customerId), {
    method: "POST",
    headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("GET /apps/tally/member", () => {
  it("shows a guest the program", async () => {
    const body = await getMember(null);
    expect(body.loggedIn).toBe(false);
    expect(body.program.earning.pointsPerCurrencyUnit).toBe(1);
    expect(body.program.rewards.map((r: { id: string }) => r.id)).toEqual([
      "five-off",
      "ten-percent",
      "ship",
      "free-mug",
      "pay-with-points",
    ]);
  });

  it("shows a signed-in shopper their points and the rewards they can afford", async () => {
    await earn(6001, "450.00", 1);
    const body = await getMember(6001);
    expect(body).toMatchObject({
      loggedIn: true,
      customerId: "6001",
      points: { balance: 450, pending: 0 },
      tier: null,
      redemptions: [],
    });
    expect(body.points.expiringNext.points).toBe(450);
    expect(
      Object.fromEntries(body.rewards.map((r: { id: string; available: boolean }) => [r.id, r.available])),
    ).toEqual({
      "five-off": false,
      "ten-percent": true,
      ship: true,
      "free-mug": false,
      "pay-with-points": true,
    });
  });
});

describe("GET /apps/tally/member for the theme's product block", () => {
  it("gives guests and members the earning rules a product's points are computed from", async () => {
    const guest = await getMember(null);
    expect(guest.program).toMatchObject({
      enabled: true,
      earning: {
        pointsPerCurrencyUnit: 1,
        rounding: "floor",
        minimumSubtotal: 0,
        bonusMultiplier: 1,
        tierMultipliers: {},
      },
    });
    expect(guest.program.earning).not.toHaveProperty("productRules");
    const member = await getMember(6099);
    expect(member.loggedIn).toBe(true);
    expect(member.program).toEqual(guest.program);
  });
});

describe("POST /apps/tally/redemptions", () => {
  it("spends the points and returns a code Shopify created for that customer only", async () => {
    await earn(6002, "700.00", 2);
    const response = await redeem(6002, { rewardId: "five-off" });
    expect(response.status).toBe(201);
    const { redemption } = await response.json();
    expect(redemption).toMatchObject({ pointsSpent: 500, status: "active" });
    expect(redemption.code).toMatch(/^TALLY-[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(Number((await getMember(6002)).points.balance)).toBe(200);

    const [discount] = app.double.shop(SHOP).discounts.filter((d) => d.code === redemption.code);
    expect(discount!.kind).toBe("basic");
    expect(discount!.input).toMatchObject({
      code: redemption.code,
      context: { customers: { add: ["gid://shopify/Customer/6002"] } },
      usageLimit: 1,
      appliesOncePerCustomer: true,
      customerGets: { value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } }, items: { all: true } },
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
      endsAt: redemption.expiresAt,
    });
    const lifetime = Date.parse(String(discount!.input.endsAt)) - Date.parse(String(discount!.input.startsAt));
    expect(lifetime).toBe(30 * DAY);
  });

  it("buys a variable reward in whole steps only", async () => {
    await earn(6003, "600.00", 3);
    expect((await redeem(6003, { rewardId: "pay-with-points", points: 250 })).status).toBe(422);
    const response = await redeem(6003, { rewardId: "pay-with-points", points: 300 });
    expect(response.status).toBe(201);
    const { redemption } = await response.json();
    expect(redemption.code).toMatch(/^PTS-/);
    const discount = app.double.shop(SHOP).discounts.find((d) => d.code === redemption.code)!;
    expect(discount.input).toMatchObject({ customerGets: { value: { discountAmount: { amount: "3.00" } } } });
  });

  it("creates free shipping with its price cap", async () => {
    await earn(6004, "200.00", 4);
    const { redemption } = await (await redeem(6004, { rewardId: "ship" })).json();
    const discount = app.double.shop(SHOP).discounts.find((d) => d.code === redemption.code)!;
    expect(discount.kind).toBe("free_shipping");
    expect(discount.input).toMatchObject({ maximumShippingPrice: "15.00", destination: { all: true }, usageLimit: 1 });
  });

  it("gives a free product as its current price off that variant, once", async () => {
    app.double.shop(SHOP).variantPrices["5550"] = "12.90";
    await earn(6007, "800.00", 7);
    const { redemption } = await (await redeem(6007, { rewardId: "free-mug" })).json();
    const discount = app.double.shop(SHOP).discounts.find((d) => d.code === redemption.code)!;
    expect(discount.input).toMatchObject({
      customerGets: {
        value: { discountAmount: { amount: "12.90", appliesOnEachItem: false } },
        items: { products: { productVariantsToAdd: ["gid://shopify/ProductVariant/5550"] } },
      },
    });
  });

  it("answers 409 without enough points, 422 for an unknown reward or a bad body, 401 for a guest", async () => {
    await earn(6005, "100.00", 5);
    const poor = await redeem(6005, { rewardId: "five-off" });
    expect(poor.status).toBe(409);
    expect(await poor.json()).toEqual({
      error: "insufficient_points",
      balance: 100,
      pointsNeeded: 500,
      message: "You need 400 more points for this reward.",
    });
    expect((await redeem(6005, { rewardId: "no-such-reward" })).status).toBe(422);
    expect((await redeem(6005, { reward: 5 })).status).toBe(422);
    expect((await redeem(null, { rewardId: "ship" })).status).toBe(401);
    expect(Number((await getMember(6005)).points.balance)).toBe(100);
  });

  it("answers a retried request with the same redemption", async () => {
    await earn(6006, "400.00", 6);
    const first = await redeem(6006, { rewardId: "ship" }, { "Idempotency-Key": "tap-0001" });
    const again = await redeem(6006, { rewardId: "ship" }, { "Idempotency-Key": "tap-0001" });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect((await again.json()).redemption.code).toBe((await first.json()).redemption.code);
    expect(Number((await getMember(6006)).points.balance)).toBe(200);
  });

  it("refuses a key reused for another reward or other points (422), spending nothing", async () => {
    await earn(6011, "700.00", 11);
    expect(
      (await redeem(6011, { rewardId: "pay-with-points", points: 200 }, { "Idempotency-Key": "tap-0002" })).status,
    ).toBe(201);
    const otherPoints = await redeem(
      6011,
      { rewardId: "pay-with-points", points: 500 },
      { "Idempotency-Key": "tap-0002" },
    );
    expect(otherPoints.status).toBe(422);
    expect(await otherPoints.json()).toEqual({
      error: "idempotency_key_reused",
      message: "This request was already used for another reward. Reload the page and try again.",
    });
    const otherReward = await redeem(6011, { rewardId: "ship" }, { "Idempotency-Key": "tap-0002" });
    expect(otherReward.status).toBe(422);
    expect((await getMember(6011)).points.balance).toBe(500);
    expect(await app.prisma.redemption.count({ where: { shopId, member: { shopifyCustomerId: "6011" } } })).toBe(1);
  });

  it("refuses a malformed Idempotency-Key with 400 and a reason, spending nothing", async () => {
    await earn(6012, "300.00", 12);
    for (const key of ["short", "k".repeat(6_000), "tab\tinside-key"]) {
      const response = await redeem(6012, { rewardId: "ship" }, { "Idempotency-Key": key });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: "invalid_idempotency_key",
        message: expect.stringContaining("8 to 255 visible ASCII"),
      });
    }
    expect((await getMember(6012)).points.balance).toBe(300);
  });

  it("allows a shopper 10 redemption attempts a minute: the 11th is a 429 with Retry-After and spends nothing", async () => {
    await earn(6013, "300.00", 13);
    for (let attempt = 1; attempt <= 10; attempt++)
      expect((await redeem(6013, { rewardId: "no-such-reward" })).status).toBe(422);
    const limited = await redeem(6013, { rewardId: "ship" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect((await getMember(6013)).points.balance).toBe(300);
    expect(await app.prisma.redemption.count({ where: { shopId, member: { shopifyCustomerId: "6013" } } })).toBe(0);
    // Another shopper of the same shop is not held back.
    await earn(6014, "300.00", 14);
    expect((await redeem(6014, { rewardId: "ship" })).status).toBe(201);
  });

  it("refuses a forged or stale signature", async () => {
    const forged = proxyUrl("/redemptions", 6006).replace(/signature=[0-9a-f]+/, "signature=" + "0".repeat(64));
    expect(
      (await fetch(forged, { method: "POST", headers: { "User-Agent": BROWSER_USER_AGENT }, body: "{}" })).status,
    ).toBe(401);
    const staleQuery = appProxyQuery(
      { shop: SHOP, customerId: 6006, timestamp: new Date(Date.now() - 120_000) },
      TEST_API_SECRET,
    );
    expect(
      (await fetch(`${app.url}/proxy/member?${staleQuery}`, { headers: { "User-Agent": BROWSER_USER_AGENT } })).status,
    ).toBe(401);
  });

  it("shows each shopper only their own codes", async () => {
    const mine = await getMember(6002);
    const theirs = await getMember(6006);
    expect(mine.redemptions).toHaveLength(1);
    expect(theirs.redemptions.map((r: { code: string }) => r.code)).not.toContain(mine.redemptions[0].code);
  });
});

describe("when Shopify fails, no points are lost", () => {
  it("rides out THROTTLED and creates the code", async () => {
    await earn(6101, "500.00", 101);
    app.double.failNext({ kind: "throttled" }, { operationName: "CreateBasicCode" });
    const { redemption } = await (await redeem(6101, { rewardId: "five-off" })).json();
    expect(redemption.status).toBe("active");
  });

  it("keeps the redemption pending through 5xx and creates the code from the outbox later", async () => {
    await earn(6102, "500.00", 102);
    app.double.failNext({ kind: "http", status: 503 }, { operationName: "CreateBasicCode", times: 2 });
    const response = await redeem(6102, { rewardId: "five-off" });
    expect(response.status).toBe(201);
    const { redemption } = await response.json();
    expect(redemption.status).toBe("pending");
    expect(Number((await getMember(6102)).points.balance)).toBe(0);
    await deliverOutbox(app.prisma, new Date(Date.now() + 60_000));
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).status).toBe("active");
  });

  it("refunds the points when Shopify refuses the discount", async () => {
    await earn(6103, "500.00", 103);
    app.double.failNext({
      kind: "userErrors",
      userErrors: [{ field: ["basicCodeDiscount", "endsAt"], message: "Ends at is invalid" }],
    });
    const response = await redeem(6103, { rewardId: "five-off" });
    expect(response.status).toBe(502);
    expect((await response.json()).redemption.status).toBe("failed");
    expect(Number((await getMember(6103)).points.balance)).toBe(500);
  });

  it("refunds the points when the code still cannot be created after the last retry", async () => {
    await earn(6104, "500.00", 104);
    app.double.failNext({ kind: "http", status: 500 }, { operationName: "CreateBasicCode", times: 1000 });
    const { redemption } = await (await redeem(6104, { rewardId: "five-off" })).json();
    const noWait = { sleep: async () => {} };
    for (let i = 0; i < 12; i++) await deliverOutbox(app.prisma, new Date(Date.now() + (i + 1) * 3_600_000), noWait);
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).status).toBe("failed");
    expect(Number((await getMember(6104)).points.balance)).toBe(500);
  });
});

describe("after the code is issued", () => {
  it("marks the code used when an order carries it", async () => {
    await earn(6201, "500.00", 201);
    const { redemption } = await (await redeem(6201, { rewardId: "five-off" })).json();
    const order = orderPayload("orders/paid", {
      id: 202,
      customer: { id: 6201, email: "c6201@example.com" },
      lines: [{ price: "40.00" }],
    });
    await app.webhook("orders/paid", SHOP, {
      ...order,
      discount_codes: [{ code: redemption.code, amount: "5.00", type: "fixed_amount" }],
    });
    expect(await app.prisma.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).toMatchObject({
      status: "used",
      usedOnOrderId: "202",
    });
  });

  it("expires an unused code after its end and a day's grace, and gives the points back once", async () => {
    await earn(6202, "500.00", 203);
    const { redemption } = await (await redeem(6202, { rewardId: "five-off" })).json();
    await expireUnusedCodes(app.prisma, new Date(Date.now() + 30 * DAY));
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).status).toBe("active");
    await expireUnusedCodes(app.prisma, new Date(Date.now() + 32 * DAY));
    await expireUnusedCodes(app.prisma, new Date(Date.now() + 33 * DAY));
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).status).toBe("expired");
    expect(Number((await getMember(6202)).points.balance)).toBe(500);
  });

  it("lists the shopper's activity in words, newest first (the code expired above came back)", async () => {
    const response = await fetch(proxyUrl("/member/activity", 6002), { headers: { "User-Agent": BROWSER_USER_AGENT } });
    const { entries } = await response.json();
    expect(entries.map((e: { description: string; points: number }) => [e.description, e.points])).toEqual([
      ["Points returned: the reward's code was not used", 500],
      ["Redeemed: 5 off", -500],
      ["Earned on order #9999", 700],
    ]);
  });
});

describe("the extension API", () => {
  const token = (customerId: number | null) =>
    mintSessionToken({
      shop: SHOP,
      apiKey: TEST_API_KEY,
      apiSecret: TEST_API_SECRET,
      subject: customerId ? `gid://shopify/Customer/${customerId}` : undefined,
    });

  it("answers preflights and the token's customer, with CORS", async () => {
    const preflight = await fetch(`${app.url}/api/extension/redemptions`, {
      method: "OPTIONS",
      headers: { Origin: "https://extensions.shopifycdn.com", "User-Agent": BROWSER_USER_AGENT },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");

    await earn(6301, "300.00", 301);
    const member = await fetch(`${app.url}/api/extension/member`, {
      headers: { Authorization: `Bearer ${await token(6301)}`, "User-Agent": BROWSER_USER_AGENT },
    });
    expect(member.headers.get("access-control-allow-origin")).toBe("*");
    expect(Number((await member.json()).points.balance)).toBe(300);

    const redeemed = await fetch(`${app.url}/api/extension/redemptions`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${await token(6301)}`,
        "Content-Type": "application/json",
        "User-Agent": BROWSER_USER_AGENT,
      },
      body: JSON.stringify({ rewardId: "ship" }),
    });
    expect(redeemed.status).toBe(201);
  });

  it("answers 401 without a token", async () => {
    const response = await fetch(`${app.url}/api/extension/member`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});
