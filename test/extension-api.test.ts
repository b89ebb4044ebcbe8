import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import type { Program } from "~/loyalty/program/program";
import { SignJWT } from "jose";
import { mintSessionToken } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/**
 * The extension API the checkout, thank-you and customer-account extensions call: the shopper is
 * always the session token's `sub` (a customer GID Shopify signed), never a parameter.
 */

const SHOP = "extension-api.myshopify.com";
const HOLDING = "extension-api-hold.myshopify.com";
const LEVELS: Program["tiers"]["levels"] = [
  { id: "silver", name: "Silver", threshold: 500, earnMultiplier: 1, entryBonusPoints: 0 },
  { id: "gold", name: "Gold", threshold: 1000, earnMultiplier: 1, entryBonusPoints: 0 },
];
let app: TestApp;
const shopIds: string[] = [];

beforeAll(async () => {
  app = await startTestApp();
  for (const shop of [SHOP, HOLDING]) {
    await app.installShop(shop);
    shopIds.push(
      await app.configureProgram(shop, (program) => {
        program.tiers = { ...program.tiers, levels: LEVELS };
        if (shop === HOLDING) program.earning.order.holdDays = 14;
      }),
    );
  }
});
afterAll(() => app?.close());
afterEach(async () => {
  for (const shopId of shopIds) expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

/** A session token as Shopify gives a checkout or customer-account extension (`sub` only when signed in). */
const token = (shop: string, customerId: number | null) =>
  mintSessionToken({
    shop,
    apiKey: TEST_API_KEY,
    apiSecret: TEST_API_SECRET,
    subject: customerId ? `gid://shopify/Customer/${customerId}` : undefined,
  });

async function call(path: string, shop: string, customerId: number | null) {
  const response = await fetch(`${app.url}${path}`, {
    headers: {
      Authorization: `Bearer ${await token(shop, customerId)}`,
      Origin: "https://extensions.shopifycdn.com",
      "User-Agent": BROWSER_USER_AGENT,
    },
  });
  expect(response.headers.get("access-control-allow-origin")).toBe("*");
  return { status: response.status, body: await response.json() };
}

async function pay(shop: string, orderId: number, customerId: number, price: string) {
  const response = await app.webhook(
    "orders/paid",
    shop,
    orderPayload("orders/paid", {
      id: orderId,
      customer: { id: customerId, email: `c${customerId}@example.com` },
      lines: [{ price }],
    }),
  );
  expect(response.status).toBe(200);
}

describe("GET /api/extension/order-points (thank-you page)", () => {
  const path = (orderId: string) => `/api/extension/order-points?orderId=${encodeURIComponent(orderId)}`;

  it("answers a preflight with 204 and CORS", async () => {
    const preflight = await fetch(`${app.url}${path("gid://shopify/Order/1")}`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://extensions.shopifycdn.com",
        "Access-Control-Request-Headers": "authorization",
        "User-Agent": BROWSER_USER_AGENT,
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("says 'not yet' (202) while orders/paid has not arrived, then what the order earned", async () => {
    expect(await call(path("gid://shopify/Order/8101"), SHOP, 7101)).toEqual({
      status: 202,
      body: { orderId: "8101", status: "processing" },
    });
    await pay(SHOP, 8101, 7101, "120.00");
    expect(await call(path("gid://shopify/Order/8101"), SHOP, 7101)).toEqual({
      status: 200,
      body: { orderId: "8101", status: "earned", points: 120, pendingPoints: 0, availableAt: null },
    });
  });

  it("says the points are pending while the program holds them", async () => {
    await pay(HOLDING, 8201, 7201, "80.00");
    const { status, body } = await call(path("gid://shopify/Order/8201"), HOLDING, 7201);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "pending", points: 80, pendingPoints: 80 });
    expect(Date.parse(body.availableAt) - Date.now()).toBeGreaterThan(13 * 86_400_000);
  });

  it("never shows another customer's order, whatever the query names", async () => {
    await pay(SHOP, 8102, 7102, "50.00");
    expect(await call(path("gid://shopify/Order/8102"), SHOP, 7103)).toEqual({
      status: 404,
      body: { error: "order_not_found", message: "We could not find this order." },
    });
  });

  it("needs a signed-in customer and a well-formed order id", async () => {
    expect((await call(path("gid://shopify/Order/8101"), SHOP, null)).status).toBe(401);
    expect((await call(path("gid://shopify/Product/8101"), SHOP, 7101)).status).toBe(422);
    const noToken = await fetch(`${app.url}${path("gid://shopify/Order/8101")}`, {
      headers: { "User-Agent": BROWSER_USER_AGENT },
    });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("GET /api/extension/member/activity (customer account page)", () => {
  it("lists the token's customer's points history, newest first", async () => {
    await pay(SHOP, 8301, 7301, "30.00");
    await pay(SHOP, 8302, 7301, "45.00");
    const { status, body } = await call("/api/extension/member/activity", SHOP, 7301);
    expect(status).toBe(200);
    expect(body.entries.map((e: { points: number; kind: string }) => [e.kind, e.points])).toEqual([
      ["earn", 45],
      ["earn", 30],
    ]);
    expect(body.nextCursor).toBeNull();
  });

  it("names a tier's entry bonus for the tier reached, in the words the admin shows", async () => {
    const shop = "extension-api-bonus.myshopify.com";
    await app.installShop(shop);
    shopIds.push(
      await app.configureProgram(shop, (program) => {
        program.tiers = { ...program.tiers, levels: [{ ...LEVELS[0]!, entryBonusPoints: 25 }] };
      }),
    );
    await pay(shop, 8311, 7311, "600.00");
    const { body } = await call("/api/extension/member/activity", shop, 7311);
    expect(body.entries.map((e: { description: string; points: number }) => [e.description, e.points])).toEqual([
      ["Bonus for reaching Silver", 25],
      [expect.stringMatching(/^Earned on order #\S+$/), 600],
    ]);
  });

  it("answers 401 to a token without a customer", async () => {
    expect(await call("/api/extension/member/activity", SHOP, null)).toEqual({
      status: 401,
      body: { error: "not_logged_in", message: "Sign in to your account to use your points." },
    });
  });
});

describe("GET /api/extension/member tierProgress", () => {
  it("shows the metric so far and what is left to the next tier", async () => {
    await pay(SHOP, 8401, 7401, "600.00");
    const { body } = await call("/api/extension/member", SHOP, 7401);
    expect(body.tier).toEqual({ id: "silver", name: "Silver" });
    expect(body.tierProgress).toEqual({
      metric: "points_earned",
      period: "lifetime",
      value: 600,
      next: { id: "gold", name: "Gold", threshold: 1000, remaining: 400 },
    });
  });

  it("points a member outside any tier at the first one, and has no next tier at the top", async () => {
    expect((await call("/api/extension/member", SHOP, 7499)).body.tierProgress).toMatchObject({
      value: 0,
      next: { id: "silver", remaining: 500 },
    });
    await pay(SHOP, 8402, 7402, "1200.00");
    expect((await call("/api/extension/member", SHOP, 7402)).body.tierProgress).toMatchObject({
      value: 1200,
      next: null,
    });
  });

  it("says the shop's currency when the tiers count spending, for the extensions to format the amount left", async () => {
    await app.configureProgram(HOLDING, (program) => {
      program.tiers = { ...program.tiers, metric: "amount_spent", levels: LEVELS };
    });
    // The shop's currency, as Tally keeps it from Shopify.
    await app.prisma.shop.update({ where: { domain: HOLDING }, data: { currencyCode: "EUR" } });
    expect((await call("/api/extension/member", HOLDING, 7601)).body.tierProgress).toMatchObject({
      metric: "amount_spent",
      currency: "EUR",
      next: { id: "silver", remaining: 500 },
    });
  });
});

describe("session tokens whose claims do not name one shop for Tally", () => {
  /** A token signed with Tally's own secret, so only its claims are wrong. */
  const signed = (claims: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      aud: TEST_API_KEY,
      iss: `https://${SHOP}/admin`,
      dest: `https://${SHOP}`,
      sub: "gid://shopify/Customer/9001",
      ...claims,
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(TEST_API_SECRET));
  };
  const member = async (token: string) =>
    fetch(`${app.url}/api/extension/member`, {
      headers: { Authorization: `Bearer ${token}`, "User-Agent": BROWSER_USER_AGENT },
    });

  it("answers a checkout token (a bare `dest`, no `iss`) for its shop", async () => {
    const response = await member(await signed({ iss: undefined, dest: SHOP }));
    expect(response.status).toBe(200);
  });

  it("refuses with 401 another app's token, a `dest` that disagrees with `iss`, and a `dest` that is not exactly a shop", async () => {
    for (const claims of [
      { aud: "another-apps-key" },
      { iss: `https://${HOLDING}/admin` },
      { dest: `https://${HOLDING}@${SHOP}`, iss: undefined },
      { dest: "http://[" },
    ]) {
      const response = await member(await signed(claims));
      expect([claims, response.status]).toEqual([claims, 401]);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
    }
    expect(await app.prisma.member.count({ where: { shopifyCustomerId: "9001" } })).toBe(0);
  });

  it("refuses with 401 an admin API token whose `dest` is not exactly the shop of `iss`", async () => {
    for (const dest of [`https://${HOLDING}@${SHOP}`, "http://["]) {
      const token = await signed({ dest, iss: `https://${HOLDING}/admin`, sub: "1" });
      const response = await fetch(`${app.url}/api/program`, {
        headers: { Authorization: `Bearer ${token}`, "User-Agent": BROWSER_USER_AGENT },
      });
      expect([dest, response.status]).toEqual([dest, 401]);
    }
  });
});

describe("POST /api/extension/actions/claim (customer account)", () => {
  const CLAIMS = "extension-api-claims.myshopify.com";
  let claimsShopId: string;
  beforeAll(async () => {
    await app.installShop(CLAIMS);
    claimsShopId = await app.configureProgram(CLAIMS, (program) => {
      program.earning.customActions = [
        {
          key: "instagram",
          name: "Follow us on Instagram",
          points: 50,
          limitPerCustomer: 1,
          limitPerDay: null,
          claimable: true,
          url: "https://instagram.com/shop",
          verifiedBy: null,
        },
      ];
    });
    shopIds.push(claimsShopId);
  });

  const claim = async (customerId: number | null, body: unknown) => {
    const response = await fetch(`${app.url}/api/extension/actions/claim`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${await token(CLAIMS, customerId)}`,
        Origin: "https://extensions.shopifycdn.com",
        "Content-Type": "application/json",
        "User-Agent": BROWSER_USER_AGENT,
      },
      body: JSON.stringify(body),
    });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    return { status: response.status, body: await response.json() };
  };

  it("answers a preflight with 204 and CORS", async () => {
    const preflight = await fetch(`${app.url}/api/extension/actions/claim`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://extensions.shopifycdn.com",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
        "User-Agent": BROWSER_USER_AGENT,
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("claims for the token's customer once: 201, then 200 and no second award; the member view says claimed", async () => {
    expect(await claim(8801, { action: "instagram" })).toEqual({
      status: 201,
      body: { action: "instagram", status: "claimed", points: 50, balance: 50 },
    });
    expect((await claim(8801, { action: "instagram" })).status).toBe(200);
    const { body } = await call("/api/extension/member", CLAIMS, 8801);
    expect(body.points.balance).toBe(50);
    expect(body.actions).toEqual([
      {
        key: "instagram",
        name: "Follow us on Instagram",
        points: 50,
        url: "https://instagram.com/shop",
        status: "claimed",
      },
    ]);
    expect(await app.prisma.ledgerEntry.count({ where: { shopId: claimsShopId, sourceId: "instagram" } })).toBe(1);
  });

  it("answers 401 to a token without a customer and 404 to an action shoppers cannot claim, writing nothing", async () => {
    expect((await claim(null, { action: "instagram" })).status).toBe(401);
    expect((await claim(8802, { action: "review" })).status).toBe(404);
    expect(await app.prisma.member.count({ where: { shopId: claimsShopId, shopifyCustomerId: "8802" } })).toBe(0);
  });
});
