import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appProxyQuery, mintSessionToken } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/**
 * The shopper reads the storefront and the extensions in their language: the merchant's reward
 * and tier names where the merchant translated them, the default text otherwise, and every
 * refusal's `message` from the server's catalogue (app/shopper-text/), its code kept.
 */

const SHOP = "polyglot-shop.myshopify.com";
const SHOPPER = 8101;
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  await app.configureProgram(SHOP, (program) => {
    program.tiers.levels = [
      {
        id: "gold",
        name: "Gold",
        threshold: 100,
        earnMultiplier: 1,
        entryBonusPoints: 10,
        translations: { fr: { name: "Or" } },
      },
    ];
    program.rewards = [
      {
        id: "tote",
        name: "Tote bag",
        type: "fixed_amount",
        pointsCost: 5000,
        amount: 10,
        minimumOrder: null,
        scope: { productIds: [], collectionIds: [] },
        tierIds: [],
        membersOnly: false,
        codePrefix: "TOTE-",
        codeLifetimeDays: 30,
        combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
        translations: { fr: { name: "Sac cabas" }, ja: { name: "トートバッグ" } },
      },
    ];
  });
  const paid = await app.webhook(
    "orders/paid",
    SHOP,
    orderPayload("orders/paid", {
      id: 9101,
      customer: { id: SHOPPER, email: "lea@example.com" },
      lines: [{ price: "120.00" }],
    }),
  );
  expect(paid.status).toBe(200);
});
afterAll(() => app?.close());

/** A storefront request through the App Proxy; the theme adds `locale` (request.locale.iso_code). */
function proxy(path: string, options: { locale?: string; acceptLanguage?: string; init?: RequestInit } = {}) {
  const extra: Record<string, string> = options.locale ? { locale: options.locale } : {};
  const query = appProxyQuery({ shop: SHOP, customerId: SHOPPER, extra }, TEST_API_SECRET);
  const headers = new Headers(options.init?.headers);
  headers.set("User-Agent", BROWSER_USER_AGENT);
  if (options.acceptLanguage) headers.set("Accept-Language", options.acceptLanguage);
  return fetch(`${app.url}/proxy${path}?${query}`, { ...options.init, headers });
}

const redeemTote = (options: { locale?: string; acceptLanguage?: string }) =>
  proxy("/redemptions", {
    ...options,
    init: {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "tote" }),
    },
  });

describe("the storefront in the shopper's language (App Proxy)", () => {
  it("names rewards and tiers as the merchant translated them, else by their default name", async () => {
    const french = await (await proxy("/member", { locale: "fr" })).json();
    expect(french.tier).toEqual({ id: "gold", name: "Or" });
    expect(french.rewards.map((reward: { name: string }) => reward.name)).toEqual(["Sac cabas"]);
    expect(french.program.rewards[0].name).toBe("Sac cabas");

    const german = await (await proxy("/member", { locale: "de" })).json();
    expect(german.tier.name).toBe("Gold");
    expect(german.rewards[0].name).toBe("Tote bag");

    const japanese = await (await proxy("/member", { acceptLanguage: "ja-JP,ja;q=0.9,en;q=0.5" })).json();
    expect(japanese.rewards[0].name).toBe("トートバッグ");
  });

  it("labels the points history in the shopper's language", async () => {
    const french = await (await proxy("/member/activity", { locale: "fr-CA" })).json();
    expect(french.entries.map((entry: { description: string }) => entry.description)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Gagnés sur la commande /),
        "Bonus pour avoir atteint le niveau Or",
      ]),
    );
  });

  it("says why a redemption was refused in the shopper's language, and keeps the code", async () => {
    const french = await redeemTote({ locale: "fr" });
    expect(french.status).toBe(409);
    expect(await french.json()).toMatchObject({
      error: "insufficient_points",
      message: "Il vous manque 4870 points pour cette récompense.",
    });
    const german = await redeemTote({ acceptLanguage: "de-AT, en;q=0.5" });
    expect(await german.json()).toMatchObject({
      error: "insufficient_points",
      message: "Dir fehlen 4870 Punkte für diese Prämie.",
    });
    const english = await redeemTote({ locale: "sv" });
    expect((await english.json()).message).toBe("You need 4870 more points for this reward.");
  });

  it("says a refusal thrown by the authentication in the shopper's language too", async () => {
    const response = await fetch(
      `${app.url}/proxy/member?${appProxyQuery({ shop: "stranger.myshopify.com", customerId: 1, extra: { locale: "it" } }, TEST_API_SECRET)}`,
      { headers: { "User-Agent": BROWSER_USER_AGENT } },
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: "shop_not_installed",
      message: "Il programma fedeltà non è disponibile in questo negozio al momento.",
    });
  });
});

describe("the extensions in the shopper's language", () => {
  const call = async (path: string, customerId: number | null) => {
    const token = await mintSessionToken({
      shop: SHOP,
      apiKey: TEST_API_KEY,
      apiSecret: TEST_API_SECRET,
      subject: customerId ? `gid://shopify/Customer/${customerId}` : undefined,
    });
    const response = await fetch(`${app.url}${path}`, {
      headers: { Authorization: `Bearer ${token}`, "User-Agent": BROWSER_USER_AGENT },
    });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    return { status: response.status, body: await response.json() };
  };

  it("answers with the names and labels of the extension's `locale`", async () => {
    const { body } = await call("/api/extension/member?locale=fr", SHOPPER);
    expect(body.rewards[0].name).toBe("Sac cabas");
    const activity = await call("/api/extension/member/activity?locale=pt-BR", SHOPPER);
    expect(activity.body.entries.map((entry: { description: string }) => entry.description)).toContainEqual(
      expect.stringMatching(/^Ganhos no pedido /),
    );
  });

  it("says a refusal in the extension's language, with CORS still on", async () => {
    const { status, body } = await call("/api/extension/member/activity?locale=nl", null);
    expect(status).toBe(401);
    expect(body).toEqual({ error: "not_logged_in", message: "Log in op je account om je punten te gebruiken." });
  });
});
