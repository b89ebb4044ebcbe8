import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_USER_AGENT } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { sendSignedWebhook } from "./support/signed-webhook";
import { orderPayload, webhookPayload } from "./support/webhook-fixtures";

const SHOP = "webhook-shop.myshopify.com";
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

async function installWithMember() {
  await app.installShop(SHOP);
  const shop = await app.prisma.shop.upsert({ where: { domain: SHOP }, create: { domain: SHOP }, update: {} });
  await app.prisma.member.upsert({
    where: { shopId_shopifyCustomerId: { shopId: shop.id, shopifyCustomerId: "501" } },
    create: { shopId: shop.id, shopifyCustomerId: "501", email: "ann@example.com", balance: 120 },
    update: {},
  });
  return shop;
}

describe("webhook authentication", () => {
  it("answers 401 to a delivery signed with the wrong secret and writes nothing", async () => {
    await installWithMember();
    const response = await app.webhook("app/uninstalled", SHOP, webhookPayload("app/uninstalled"), {
      secret: "not-the-app-secret",
    });
    expect(response.status).toBe(401);
    expect(await app.prisma.session.count({ where: { shop: SHOP } })).toBe(1);
    expect(await app.prisma.webhookDelivery.count({ where: { shopDomain: SHOP } })).toBe(0);
  });

  it("answers 401 to a delivery without an HMAC header", async () => {
    const response = await fetch(`${app.url}/webhooks/app/uninstalled`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "app/uninstalled",
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Webhook-Id": "no-hmac",
        "X-Shopify-API-Version": "2026-07",
        "User-Agent": BROWSER_USER_AGENT,
      },
      body: JSON.stringify(webhookPayload("app/uninstalled")),
    });
    expect(response.status).toBe(401);
    expect(await app.prisma.session.count({ where: { shop: SHOP } })).toBe(1);
  });

  it("answers 401 to an order signed with the wrong secret, 400 to one without its webhook id or API version; stores none", async () => {
    const order = orderPayload("orders/paid", {
      id: 7_001,
      customer: { id: 701, email: "c701@example.com" },
      lines: [{ price: "10.00" }],
    });
    const forged = await app.webhook("orders/paid", SHOP, order, { secret: "not-the-app-secret" });
    expect(forged.status).toBe(401);
    for (const missing of ["X-Shopify-Webhook-Id", "X-Shopify-API-Version"]) {
      const response = await sendSignedWebhook(app.url, {
        route: "orders/paid",
        topic: "orders/paid",
        shop: SHOP,
        body: JSON.stringify(order),
        without: [missing],
      });
      expect(response.status, missing).toBe(400);
      expect(await response.json()).toEqual({ error: `missing ${missing.replace("API", "Api")}` });
    }
    expect(await app.prisma.webhookDelivery.count({ where: { shopDomain: SHOP, topic: "orders/paid" } })).toBe(0);
  });

  it("answers 400 to a signed payload of the wrong shape and writes nothing", async () => {
    const response = await app.webhook("customers/redact", SHOP, { shop_domain: SHOP, customer: {} });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_payload" });
    expect(await app.prisma.complianceRequest.count()).toBe(0);
  });
});

describe("a signed body is tied to its route, topic and shop", () => {
  const paidBody = () =>
    JSON.stringify(
      orderPayload("orders/paid", {
        id: 7101,
        customer: { id: 501, email: "ann@example.com" },
        lines: [{ price: "50.00" }],
      }),
    );

  it("refuses an orders/paid body sent as customers/redact (topic header ≠ route) and writes nothing", async () => {
    await installWithMember();
    const deliveriesBefore = await app.prisma.webhookDelivery.count();
    const asRedact = await sendSignedWebhook(app.url, {
      route: "customers/redact",
      topic: "orders/paid",
      shop: SHOP,
      body: paidBody(),
    });
    expect(asRedact.status).toBe(400);
    expect(await asRedact.json()).toMatchObject({ error: "topic_mismatch" });
    const relabelled = await sendSignedWebhook(app.url, {
      route: "orders/paid",
      topic: "customers/redact",
      shop: SHOP,
      body: paidBody(),
    });
    expect(relabelled.status).toBe(400);
    expect(await app.prisma.webhookDelivery.count()).toBe(deliveriesBefore);
    expect(await app.prisma.order.count({ where: { shopifyOrderId: "7101" } })).toBe(0);
  });

  it("refuses another shop's app/uninstalled body replayed with this shop's header", async () => {
    await installWithMember();
    const body = JSON.stringify(webhookPayload("app/uninstalled", { myshopify_domain: "other-shop.myshopify.com" }));
    const response = await sendSignedWebhook(app.url, {
      route: "app/uninstalled",
      topic: "app/uninstalled",
      shop: SHOP,
      body,
    });
    expect(response.status).toBe(400);
    expect(await app.prisma.session.count({ where: { shop: SHOP } })).toBe(1);
  });

  it("learns the shop's id from a signed payload naming its domain, then refuses another shop's app/scopes_update body", async () => {
    const SHOP = "shop-id-shop.myshopify.com";
    await app.installShop(SHOP);
    await app.prisma.shop.create({ data: { domain: SHOP } });
    const dataRequest = webhookPayload("customers/data_request", {
      shop_id: 4242,
      shop_domain: SHOP,
      customer: { id: 501, email: "ann@example.com", phone: "+33600000000" },
    });
    expect((await app.webhook("customers/data_request", SHOP, dataRequest)).status).toBe(200);
    expect((await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).shopifyShopId).toBe("4242");

    const scopesBefore = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).scopes;
    const othersScopes = JSON.stringify(
      webhookPayload("app/scopes_update", { shop_id: "gid://shopify/Shop/9999", current: ["read_orders"] }),
    );
    const replayed = await sendSignedWebhook(app.url, {
      route: "app/scopes_update",
      topic: "app/scopes_update",
      shop: SHOP,
      body: othersScopes,
    });
    expect(replayed.status).toBe(400);
    expect((await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).scopes).toBe(scopesBefore);

    const ours = webhookPayload("app/scopes_update", { shop_id: "gid://shopify/Shop/4242", current: ["read_orders"] });
    expect((await app.webhook("app/scopes_update", SHOP, ours)).status).toBe(200);
  });

  it("answers 400, never 500, to a shop header that is not <name>.myshopify.com", async () => {
    for (const shop of ["evil.example.com", "a.myshopify.com@b.myshopify.com", "x".repeat(300), "%%%"]) {
      const response = await sendSignedWebhook(app.url, {
        route: "orders/paid",
        topic: "orders/paid",
        shop,
        body: paidBody(),
      });
      expect(response.status, shop).toBe(400);
    }
    expect(
      await app.prisma.webhookDelivery.count({ where: { shopDomain: { not: { endsWith: ".myshopify.com" } } } }),
    ).toBe(0);
  });

  it("answers 400 to a correctly signed body that is not JSON", async () => {
    await installWithMember();
    const response = await sendSignedWebhook(app.url, {
      route: "app/uninstalled",
      topic: "app/uninstalled",
      shop: SHOP,
      body: "{not json",
    });
    expect(response.status).toBe(400);
    expect(await app.prisma.session.count({ where: { shop: SHOP } })).toBe(1);
  });
});

describe("app/uninstalled", () => {
  it("deletes the sessions, marks the shop uninstalled and keeps its members for a reinstall", async () => {
    const shop = await installWithMember();
    const response = await app.webhook("app/uninstalled", SHOP, webhookPayload("app/uninstalled"), {
      webhookId: "uninstall-1",
    });
    expect(response.status).toBe(200);
    expect(await app.prisma.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await app.prisma.shop.findUnique({ where: { id: shop.id } })).toMatchObject({ status: "uninstalled" });
    expect(await app.prisma.member.count({ where: { shopId: shop.id } })).toBe(1);

    // Uninstalled: the storefront gets nothing.
    expect((await app.proxy("/status", { shop: SHOP, customerId: 501 })).status).toBe(404);

    // Shopify retries the same delivery: processed once.
    const again = await app.webhook("app/uninstalled", SHOP, webhookPayload("app/uninstalled"), {
      webhookId: "uninstall-1",
    });
    expect(again.status).toBe(200);
    expect(await app.prisma.webhookDelivery.count({ where: { webhookId: "uninstall-1" } })).toBe(1);

    // Reinstalled: the same shop record comes back with its members and balances.
    await app.installShop(SHOP);
    expect((await app.proxy("/status", { shop: SHOP, customerId: 501 })).status).toBe(200);
    const reinstalled = await app.prisma.shop.findUnique({ where: { domain: SHOP }, include: { members: true } });
    expect(reinstalled).toMatchObject({ id: shop.id, status: "installed", uninstalledAt: null });
    expect(reinstalled?.members.map((m) => m.balance)).toEqual([120]);
  });
});

describe("app/scopes_update", () => {
  it("records the scopes the merchant granted on the session and the shop", async () => {
    await installWithMember();
    const payload = webhookPayload("app/scopes_update", { current: ["write_customers", "read_orders"] });
    const response = await app.webhook("app/scopes_update", SHOP, payload);
    expect(response.status).toBe(200);
    const session = await app.prisma.session.findUnique({ where: { id: `offline_${SHOP}` } });
    expect(session?.scope).toBe("write_customers,read_orders");
    expect((await app.prisma.shop.findUnique({ where: { domain: SHOP } }))?.scopes).toBe("write_customers,read_orders");
  });
});

describe("method", () => {
  it("answers 405 to anything but POST", async () => {
    const response = await fetch(`${app.url}/webhooks/app/uninstalled`, {
      headers: { "User-Agent": BROWSER_USER_AGENT },
    });
    expect(response.status).toBe(405);
  });
});
