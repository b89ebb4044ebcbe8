import { SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deliverOutbox } from "~/jobs/outbox.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { POS_REVERSAL_WINDOW_MS } from "~/loyalty/rewards/pos";
import { appProxyQuery, mintSessionToken } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/**
 * Tally at Shopify's point of sale (docs/pos.md): the POS extension's API under real POS session
 * tokens, signed as Shopify signs them — staff look members up, redeem for the customer in the
 * cart, and undo a redemption within the window when the sale is abandoned.
 */

const SHOP = "pos-shop.myshopify.com";
const OTHER = "pos-other.myshopify.com";
const STAFF_USER = "81000001";
const LOCATION = 64000001;
let app: TestApp;
let shopId: string;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  await app.installShop(OTHER);
  shopId = await app.configureProgram(SHOP, () => {});
});
afterAll(() => app?.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
  app.double.reset();
});

/** A POS session token: admin-shaped claims, `sub` the Shopify user logged into POS. */
const posToken = (shop = SHOP, options: { apiKey?: string; secret?: string; ttlSeconds?: number } = {}) =>
  mintSessionToken({
    shop,
    apiKey: options.apiKey ?? TEST_API_KEY,
    apiSecret: options.secret ?? TEST_API_SECRET,
    subject: STAFF_USER,
    ttlSeconds: options.ttlSeconds,
  });

/** A checkout extension's token for a signed-in shopper: the same secret, a customer as `sub`. */
const checkoutToken = (shop: string, customerId: number) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ dest: shop })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience(TEST_API_KEY)
    .setSubject(`gid://shopify/Customer/${customerId}`)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 60)
    .setJti(crypto.randomUUID())
    .sign(new TextEncoder().encode(TEST_API_SECRET));
};

function tampered(token: string) {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
  return [header, Buffer.from(JSON.stringify({ ...claims, sub: "1" })).toString("base64url"), signature].join(".");
}

async function call(path: string, init: { method?: string; body?: unknown; token?: string; key?: string } = {}) {
  const response = await fetch(`${app.url}${path}`, {
    method: init.method ?? "GET",
    headers: {
      Authorization: `Bearer ${init.token ?? (await posToken())}`,
      Origin: "https://extensions.shopifycdn.com",
      "User-Agent": BROWSER_USER_AGENT,
      ...(init.body !== undefined && { "Content-Type": "application/json" }),
      ...(init.key && { "Idempotency-Key": init.key }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  expect(response.headers.get("access-control-allow-origin")).toBe("*");
  return { status: response.status, body: await response.json() };
}

/** A sale rung up at the POS (`source_name: "pos"`, a location, no online checkout) and paid. */
async function posSale(orderId: number, customerId: number, price: string, codes: string[] = []) {
  const response = await app.webhook(
    "orders/paid",
    SHOP,
    orderPayload("orders/paid", {
      id: orderId,
      customer: {
        id: customerId,
        email: `c${customerId}@example.com`,
        firstName: "Mia",
        lastName: `Counter${customerId}`,
      },
      lines: [{ price }],
      discountCodes: codes.map((code) => ({ code, amount: "5.00" })),
      pos: { locationId: LOCATION, userId: Number(STAFF_USER) },
    }),
  );
  expect(response.status).toBe(200);
}

const redeemAtCounter = (customerId: number, key = crypto.randomUUID()) =>
  call("/api/pos/redemptions", {
    method: "POST",
    key,
    body: { customerId, rewardId: "five-off", staffMemberId: 5001, locationId: LOCATION },
  });

describe("the POS session token", () => {
  it("answers a preflight with 204 and CORS", async () => {
    const response = await fetch(`${app.url}/api/pos/redemptions`, { method: "OPTIONS" });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-headers")).toContain("Authorization");
  });

  it("refuses a request without one, or with a forged signature, audience, destination or an expired one (401)", async () => {
    const forged = [
      "",
      "not-a-token",
      await posToken(SHOP, { secret: "someone-elses-secret" }),
      await posToken(SHOP, { apiKey: "another-app" }),
      await posToken(SHOP, { ttlSeconds: -60 }),
      // Claims changed after signing (another user), the signature kept.
      tampered(await posToken(SHOP)),
    ];
    for (const token of forged) {
      const { status, body } = await call("/api/pos/members/7001", { token });
      expect(status, token).toBe(401);
      expect(body.error).toBe("invalid_session_token");
    }
    const mismatched = await new SignJWT({ dest: `https://${OTHER}` })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(`https://${SHOP}/admin`)
      .setAudience(TEST_API_KEY)
      .setSubject(STAFF_USER)
      .setExpirationTime("1m")
      .sign(new TextEncoder().encode(TEST_API_SECRET));
    expect((await call("/api/pos/members/7001", { token: mismatched })).status).toBe(401);
  });

  it("refuses a shopper's checkout token: a customer never acts as staff", async () => {
    const { status } = await call("/api/pos/members?query=example", { token: await checkoutToken(SHOP, 7001) });
    expect(status).toBe(401);
  });
});

describe("a member at the counter", () => {
  it("a POS sale earns points like any paid order, and staff see the member's balance and rewards", async () => {
    await posSale(9101, 7101, "620.00");
    const { status, body } = await call("/api/pos/members/7101");
    expect(status).toBe(200);
    expect(body).toMatchObject({ loggedIn: true, customerId: "7101", points: { balance: 620 } });
    expect(body.rewards.find((r: { id: string }) => r.id === "five-off")).toMatchObject({ available: true });
  });

  it("refuses a customer id that is not one (400)", async () => {
    expect((await call("/api/pos/members/abc")).status).toBe(400);
  });

  it("looks members up by email or name, at most ten, and refuses a query too short or too long (422)", async () => {
    await posSale(9102, 7102, "10.00");
    const byEmail = await call("/api/pos/members?query=c7102%40example");
    expect(byEmail.body.members).toEqual([
      { customerId: "7102", name: "Mia Counter7102", email: "c7102@example.com", balance: 10, tier: null },
    ]);
    const byName = await call("/api/pos/members?query=counter710");
    expect(byName.body.members.map((m: { customerId: string }) => m.customerId).sort()).toEqual(["7101", "7102"]);
    expect((await call("/api/pos/members?query=a")).status).toBe(422);
    expect((await call(`/api/pos/members?query=${"x".repeat(101)}`)).status).toBe(422);
    // Another shop's staff find nobody here.
    expect((await call("/api/pos/members?query=counter710", { token: await posToken(OTHER) })).body.members).toEqual(
      [],
    );
  });
});

describe("redeeming at the counter", () => {
  it("spends the points on a code for the customer and records the staff member, location and POS user", async () => {
    await posSale(9201, 7201, "600.00");
    const { status, body } = await redeemAtCounter(7201);
    expect(status).toBe(201);
    expect(body.redemption).toMatchObject({ pointsSpent: 500, status: "active" });
    const until = Date.parse(body.reversibleUntil) - Date.now();
    expect(until).toBeGreaterThan(POS_REVERSAL_WINDOW_MS - 60_000);
    expect(until).toBeLessThanOrEqual(POS_REVERSAL_WINDOW_MS);
    expect(await app.prisma.redemption.findUniqueOrThrow({ where: { id: body.redemption.id } })).toMatchObject({
      channel: "pos",
      staffMemberId: "5001",
      locationId: String(LOCATION),
      posUserId: STAFF_USER,
    });
    expect(app.double.shop(SHOP).discounts.some((d) => d.code === body.redemption.code)).toBe(true);
    expect((await call("/api/pos/members/7201")).body.points.balance).toBe(100);
  });

  it("refuses a body it cannot read, writing nothing (422)", async () => {
    await posSale(9202, 7202, "600.00");
    for (const body of [
      { rewardId: "five-off" },
      { customerId: "7202x", rewardId: "five-off" },
      { customerId: 7202, rewardId: "five-off", staffMemberId: "me" },
      { customerId: 7202, rewardId: "" },
    ]) {
      expect((await call("/api/pos/redemptions", { method: "POST", body })).status).toBe(422);
    }
    expect(await app.prisma.redemption.count({ where: { member: { shopifyCustomerId: "7202" } } })).toBe(0);
  });

  it("a POS-redeemed code used on a POS sale is spent, and can no longer be undone (409)", async () => {
    await posSale(9203, 7203, "500.00");
    const { body } = await redeemAtCounter(7203);
    await posSale(9204, 7203, "40.00", [body.redemption.code]);
    expect(await app.prisma.redemption.findUniqueOrThrow({ where: { id: body.redemption.id } })).toMatchObject({
      status: "used",
      usedOnOrderId: "9204",
    });
    const reverse = await call(`/api/pos/redemptions/${body.redemption.id}/reverse`, { method: "POST" });
    expect(reverse).toMatchObject({ status: 409, body: { error: "used" } });
  });
});

describe("undoing a POS redemption (the sale was abandoned)", () => {
  it("within the window: deletes the code in Shopify, gives the points back once, and answers a repeat the same", async () => {
    await posSale(9301, 7301, "500.00");
    const { body } = await redeemAtCounter(7301);
    const { id, code } = body.redemption;
    const first = await call(`/api/pos/redemptions/${id}/reverse`, { method: "POST" });
    expect(first).toMatchObject({ status: 200, body: { redemption: { id, status: "reversed" }, pointsReturned: 500 } });
    expect(app.double.shop(SHOP).discounts.some((d) => d.code === code)).toBe(false);
    expect(app.double.callsTo("DeleteCode")).toHaveLength(1);

    const second = await call(`/api/pos/redemptions/${id}/reverse`, { method: "POST" });
    expect(second).toEqual(first);
    await deliverOutbox(app.prisma, new Date(Date.now() + 3_600_000));
    expect(app.double.callsTo("DeleteCode")).toHaveLength(1);
    expect((await call("/api/pos/members/7301")).body.points.balance).toBe(500);
    expect(await app.prisma.ledgerEntry.count({ where: { idempotencyKey: `redemption:${id}:refund` } })).toBe(1);
  });

  it("two staff undoing at once give the points back once", async () => {
    await posSale(9306, 7306, "500.00");
    const { body } = await redeemAtCounter(7306);
    const path = `/api/pos/redemptions/${body.redemption.id}/reverse`;
    const answers = await Promise.all([call(path, { method: "POST" }), call(path, { method: "POST" })]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers[0]!.body).toEqual(answers[1]!.body);
    expect((await call("/api/pos/members/7306")).body.points.balance).toBe(500);
    const key = `redemption:${body.redemption.id}:refund`;
    expect(await app.prisma.ledgerEntry.count({ where: { idempotencyKey: key } })).toBe(1);
  });

  it("when Shopify is down, the outbox deletes the code later; the points are back at once", async () => {
    await posSale(9302, 7302, "500.00");
    const { body } = await redeemAtCounter(7302);
    app.double.failNext({ kind: "http", status: 503 }, { operationName: "DeleteCode", times: 2 });
    const reverse = await call(`/api/pos/redemptions/${body.redemption.id}/reverse`, { method: "POST" });
    expect(reverse.status).toBe(200);
    expect((await call("/api/pos/members/7302")).body.points.balance).toBe(500);
    app.double.reset();
    await deliverOutbox(app.prisma, new Date(Date.now() + 3_600_000));
    expect(app.double.shop(SHOP).discounts.some((d) => d.code === body.redemption.code)).toBe(false);
  });

  it("refuses when Shopify counts an order with the code whose webhook has not come yet, leaving the points spent", async () => {
    await posSale(9304, 7304, "500.00");
    const { body } = await redeemAtCounter(7304);
    const orders = app.double.shop(SHOP).orders as unknown as { discountCodes?: string[] }[];
    orders.push({ discountCodes: [body.redemption.code] });
    const reverse = await call(`/api/pos/redemptions/${body.redemption.id}/reverse`, { method: "POST" });
    expect(reverse).toMatchObject({ status: 409, body: { error: "used" } });
    expect((await call("/api/pos/members/7304")).body.points.balance).toBe(0);
    expect(app.double.callsTo("DeleteCode")).toHaveLength(0);
    orders.pop();
  });

  it("when Shopify cannot say whether the code was used, reverses nothing (503)", async () => {
    await posSale(9305, 7305, "500.00");
    const { body } = await redeemAtCounter(7305);
    app.double.failNext({ kind: "http", status: 503 }, { operationName: "DiscountUsage", times: 10 });
    const reverse = await call(`/api/pos/redemptions/${body.redemption.id}/reverse`, { method: "POST" });
    expect(reverse).toMatchObject({ status: 503, body: { error: "shopify_unavailable" } });
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id: body.redemption.id } })).status).toBe(
      "active",
    );
    expect((await call("/api/pos/members/7305")).body.points.balance).toBe(0);
  });

  it("refuses past the window, an online redemption, another shop's and an unknown one", async () => {
    await posSale(9303, 7303, "1000.00");
    const late = (await redeemAtCounter(7303)).body.redemption;
    await app.prisma.redemption.update({
      where: { id: late.id },
      data: { createdAt: new Date(Date.now() - POS_REVERSAL_WINDOW_MS - 1000) },
    });
    expect(await call(`/api/pos/redemptions/${late.id}/reverse`, { method: "POST" })).toMatchObject({
      status: 409,
      body: { error: "window_passed" },
    });

    const query = appProxyQuery({ shop: SHOP, customerId: 7303 }, TEST_API_SECRET);
    const online = await fetch(`${app.url}/proxy/redemptions?${query}`, {
      method: "POST",
      headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "five-off" }),
    });
    const { redemption } = await online.json();
    expect(await call(`/api/pos/redemptions/${redemption.id}/reverse`, { method: "POST" })).toMatchObject({
      status: 409,
      body: { error: "not_pos" },
    });

    const foreign = await call(`/api/pos/redemptions/${late.id}/reverse`, {
      method: "POST",
      token: await posToken(OTHER),
    });
    expect(foreign.status).toBe(404);
    expect((await call("/api/pos/redemptions/nope/reverse", { method: "POST" })).status).toBe(404);
    expect((await call("/api/pos/members/7303")).body.points.balance).toBe(0);
    expect(app.double.callsTo("DeleteCode")).toHaveLength(0);
  });
});
