import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./support/test-app";
import { sendSignedWebhook } from "./support/signed-webhook";
import { webhookPayload } from "./support/webhook-fixtures";

const SHOP = "privacy-shop.myshopify.com";
const OTHER_SHOP = "neighbour-shop.myshopify.com";
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

/** A shopper with a history: an earn of 150 and a redemption of 50 on one lot. */
async function seedShopper(shopDomain: string, customerId: string, email: string) {
  await app.installShop(shopDomain);
  const shop = await app.prisma.shop.upsert({
    where: { domain: shopDomain },
    create: { domain: shopDomain },
    update: {},
  });
  const member = await app.prisma.member.create({
    data: {
      shopId: shop.id,
      shopifyCustomerId: customerId,
      email,
      firstName: "Ann",
      lastName: "Lee",
      phone: "+33600000000",
      birthday: new Date("1990-05-01"),
      balance: 100,
      leaderboardOptIn: true,
      leaderboardName: "Annie",
    },
  });
  await app.prisma.memberBadge.create({
    data: {
      shopId: shop.id,
      memberId: member.id,
      badgeId: "milestone:first-order",
      icon: "star",
      earnedAt: new Date(),
    },
  });
  await app.prisma.order.create({
    data: {
      shopId: shop.id,
      shopifyOrderId: `9001-${customerId}`,
      memberId: member.id,
      shopifyCustomerId: customerId,
      email,
      name: "#1001",
      pointsEarned: 150,
    },
  });
  await app.prisma.pointLot.create({
    data: {
      shopId: shop.id,
      memberId: member.id,
      amount: 150,
      remaining: 100,
      availableAt: new Date(),
      source: "order:9001",
    },
  });
  await app.prisma.ledgerEntry.createMany({
    data: [
      {
        shopId: shop.id,
        memberId: member.id,
        delta: 150,
        kind: "earn",
        idempotencyKey: `order:9001:earn:${customerId}`,
      },
      {
        shopId: shop.id,
        memberId: member.id,
        delta: -50,
        kind: "adjust",
        idempotencyKey: `adjust:${customerId}:1`,
        reason: `Goodwill for ${email}`,
      },
    ],
  });
  return { shop, member };
}

describe("customers/data_request", () => {
  it("stores a JSON export of everything Tally holds on the shopper", async () => {
    await seedShopper(SHOP, "601", "ann@example.com");
    const payload = webhookPayload("customers/data_request", {
      shop_domain: SHOP,
      customer: { id: 601, email: "ann@example.com", phone: "+33600000000" },
      orders_requested: [9001],
    });
    const response = await app.webhook("customers/data_request", SHOP, payload);
    expect(response.status).toBe(200);

    const request = await app.prisma.complianceRequest.findFirstOrThrow({
      where: { shopDomain: SHOP, kind: "customers_data_request", shopifyCustomerId: "601" },
    });
    expect(request.ordersRequested).toEqual(["9001"]);
    expect(request.export).toMatchObject({
      shopifyCustomerId: "601",
      member: {
        email: "ann@example.com",
        firstName: "Ann",
        phone: "+33600000000",
        birthday: "1990-05-01",
        balance: 100,
      },
      ledger: [
        { kind: "earn", points: 150 },
        { kind: "adjust", points: -50, reason: "Goodwill for ann@example.com" },
      ],
      pointLots: [{ points: 150, remaining: 100, source: "order:9001" }],
      orders: [{ order: "#1001", email: "ann@example.com", pointsEarned: 150 }],
    });
    // What engagement holds on them too: the leaderboard nickname and their badges.
    expect(request.export).toMatchObject({
      member: { leaderboard: { optedIn: true, nickname: "Annie" } },
      badges: [{ badge: "milestone:first-order", icon: "star" }],
      challengesCompleted: [],
      campaignGifts: [],
      offers: [],
    });
  });

  it("answers a request about a shopper Tally never saw with an empty export", async () => {
    const payload = webhookPayload("customers/data_request", {
      shop_domain: SHOP,
      customer: { id: 999, email: "nobody@example.com", phone: "+33611111111" },
    });
    expect((await app.webhook("customers/data_request", SHOP, payload)).status).toBe(200);
    const request = await app.prisma.complianceRequest.findFirstOrThrow({ where: { shopifyCustomerId: "999" } });
    expect(request.export).toEqual({ shopifyCustomerId: "999", member: null });
  });
});

describe("customers/redact", () => {
  it("erases the shopper's personal data and keeps the ledger amounts under an anonymous member", async () => {
    const { member } = await seedShopper(SHOP, "602", "bob@example.com");
    const bystander = await seedShopper(SHOP, "603", "cat@example.com");
    await app.webhook(
      "customers/data_request",
      SHOP,
      webhookPayload("customers/data_request", {
        shop_domain: SHOP,
        customer: { id: 602, email: "bob@example.com", phone: "+33611111111" },
      }),
    );

    const payload = webhookPayload("customers/redact", {
      shop_domain: SHOP,
      customer: { id: 602, email: "bob@example.com", phone: "+33611111111" },
      orders_to_redact: [9001],
    });
    expect((await app.webhook("customers/redact", SHOP, payload)).status).toBe(200);

    const redacted = await app.prisma.member.findUniqueOrThrow({
      where: { id: member.id },
      include: { ledgerEntries: true },
    });
    expect(redacted).toMatchObject({
      shopifyCustomerId: null,
      email: null,
      firstName: null,
      lastName: null,
      phone: null,
      birthday: null,
      balance: 100,
    });
    expect(redacted.redactedAt).toBeInstanceOf(Date);
    expect(redacted.ledgerEntries.map((e) => e.delta).sort()).toEqual([-50, 150]);
    expect(redacted.ledgerEntries.every((e) => e.reason === null)).toBe(true);

    // Their orders keep their points but lose the email and name.
    const orders = await app.prisma.order.findMany({ where: { memberId: member.id } });
    expect(orders.map((o) => [o.email, o.name, o.shopifyCustomerId, o.pointsEarned])).toEqual([
      [null, null, null, 150],
    ]);

    // The earlier export held the shopper's details: it goes too.
    const exported = await app.prisma.complianceRequest.findFirstOrThrow({
      where: { shopDomain: SHOP, kind: "customers_data_request", export: { path: ["redacted"], equals: true } },
    });
    expect(JSON.stringify(exported.export)).not.toContain("bob@example.com");
    // The trail keeps a keyed hash of who asked, never the customer id.
    expect(await app.prisma.complianceRequest.count({ where: { shopifyCustomerId: "602" } })).toBe(0);

    // Nobody else is touched.
    expect(await app.prisma.member.findUniqueOrThrow({ where: { id: bystander.member.id } })).toMatchObject({
      email: "cat@example.com",
      shopifyCustomerId: "603",
    });
  });
});

describe("shop/redact", () => {
  it("deletes everything Tally holds for that shop and nothing of any other shop", async () => {
    await seedShopper(SHOP, "604", "dan@example.com");
    const neighbour = await seedShopper(OTHER_SHOP, "604", "dan@example.com");

    // The same shop as the compliance payloads above (Shopify's examples carry shop id 954889).
    const uninstalled = webhookPayload("app/uninstalled", { id: 954889, myshopify_domain: SHOP });
    expect((await app.webhook("app/uninstalled", SHOP, uninstalled)).status).toBe(200);
    const payload = webhookPayload("shop/redact", { shop_domain: SHOP });
    expect((await app.webhook("shop/redact", SHOP, payload)).status).toBe(200);

    expect(await app.prisma.shop.findUnique({ where: { domain: SHOP } })).toBeNull();
    expect(await app.prisma.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await app.prisma.webhookDelivery.count({ where: { shopDomain: SHOP } })).toBe(0);
    expect(await app.prisma.complianceRequest.findMany({ where: { shopDomain: SHOP } })).toEqual([
      expect.objectContaining({ kind: "shop_redact", shopifyCustomerId: null, export: null }),
    ]);
    const members = await app.prisma.member.findMany({ include: { shop: true } });
    expect(members.every((m) => m.shop.domain === OTHER_SHOP)).toBe(true);
    expect(await app.prisma.ledgerEntry.count({ where: { shopId: neighbour.shop.id } })).toBe(2);
    expect(await app.prisma.pointLot.count({ where: { shopId: neighbour.shop.id } })).toBe(1);
    expect(await app.prisma.session.count({ where: { shop: OTHER_SHOP } })).toBe(1);
  });
});

describe("a compliance body replayed against another shop or topic", () => {
  const INSTALLED = "installed-shop.myshopify.com";

  it("refuses a customers/redact body whose shop_domain is not the header's shop", async () => {
    const { member } = await seedShopper(INSTALLED, "701", "fay@example.com");
    const body = JSON.stringify(
      webhookPayload("customers/redact", {
        shop_domain: "attacker-shop.myshopify.com",
        customer: { id: 701, email: "fay@example.com", phone: "+33600000001" },
      }),
    );
    const response = await sendSignedWebhook(app.url, {
      route: "customers/redact",
      topic: "customers/redact",
      shop: INSTALLED,
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "shop_mismatch" });
    expect(await app.prisma.member.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({
      email: "fay@example.com",
      shopifyCustomerId: "701",
    });
  });

  it("refuses (409) shop/redact for a shop that is still installed, whatever body it carries", async () => {
    const { shop } = await seedShopper(INSTALLED, "702", "gus@example.com");
    // A captured customers/redact body of this shop, replayed as shop/redact.
    const body = JSON.stringify(
      webhookPayload("customers/redact", {
        shop_domain: INSTALLED,
        customer: { id: 702, email: "gus@example.com", phone: "+33600000001" },
      }),
    );
    const replayed = await sendSignedWebhook(app.url, {
      route: "shop/redact",
      topic: "shop/redact",
      shop: INSTALLED,
      body,
    });
    expect(replayed.status).toBe(409);
    const genuine = await app.webhook(
      "shop/redact",
      INSTALLED,
      webhookPayload("shop/redact", { shop_domain: INSTALLED }),
    );
    expect(genuine.status).toBe(409);
    expect(await app.prisma.member.count({ where: { shopId: shop.id } })).toBeGreaterThan(0);
    expect(await app.prisma.session.count({ where: { shop: INSTALLED } })).toBe(1);
    expect(await app.prisma.complianceRequest.count({ where: { shopDomain: INSTALLED, kind: "shop_redact" } })).toBe(0);
  });

  it("answers 503 to shop/redact when only Shopify can say whether the shop is installed and Shopify is down", async () => {
    const { shop } = await seedShopper(INSTALLED, "703", "hal@example.com");
    app.double.failNext({ kind: "http", status: 503 });
    const response = await app.webhook(
      "shop/redact",
      INSTALLED,
      webhookPayload("shop/redact", { shop_domain: INSTALLED }),
    );
    app.double.reset();
    expect(response.status).toBe(503);
    expect(await app.prisma.member.count({ where: { shopId: shop.id } })).toBeGreaterThan(0);
  });

  it("erases a shop whose uninstall Tally missed once Shopify refuses its token", async () => {
    const missed = "missed-uninstall.myshopify.com";
    await seedShopper(missed, "704", "ivy@example.com");
    // The merchant uninstalled; the app/uninstalled delivery never arrived: Shopify revoked the token.
    await app.prisma.session.update({ where: { id: `offline_${missed}` }, data: { accessToken: "shpat_revoked" } });
    const response = await app.webhook("shop/redact", missed, webhookPayload("shop/redact", { shop_domain: missed }));
    expect(response.status).toBe(200);
    expect(await app.prisma.shop.findUnique({ where: { domain: missed } })).toBeNull();
  });
});
