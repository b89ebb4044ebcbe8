import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POINTS_JOBS, reconcileOrders } from "~/jobs/points.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { reviewReferral } from "~/loyalty/referrals/referrals.server";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload, webhookPayload } from "./support/webhook-fixtures";

const SHOP = "referrals-e2e.myshopify.com";
const DAY = 86_400_000;
const REFERRER = 7001;
const REFERRER_PHONE = "+1 212 555 0147";
const REFERRER_CARD = { company: "Visa", bin: "424242", lastFour: "4242" };
let app: TestApp;
let shopId: string;
let code: string;
let nextOrder = 9100;

beforeAll(async () => {
  app = await startTestApp();
  const customer = {
    email: "ada.lovelace@gmail.com",
    firstName: "Ada",
    lastName: "Lovelace",
    phone: REFERRER_PHONE,
    tags: [],
    createdAt: "2026-01-01T00:00:00Z",
    numberOfOrders: 1,
    amountSpent: "30.00",
  };
  await app.installShop(SHOP, { customers: [{ id: REFERRER, ...customer }] });
  shopId = await app.configureProgram(SHOP, (program) => {
    program.referrals = {
      ...program.referrals,
      enabled: true,
      minimumOrder: 20,
      holdDays: 14,
      referrerReward: { type: "points", points: 500 },
    };
  });
  // The referrer: a customer with a phone, a first order paid by card, and a referral link.
  const created = webhookPayload("customers/create", {
    id: REFERRER,
    admin_graphql_api_id: `gid://shopify/Customer/${REFERRER}`,
    email: customer.email,
    phone: REFERRER_PHONE,
    note: "",
  });
  expect((await app.webhook("customers/create", SHOP, created)).status).toBe(200);
  await paid(REFERRER, customer.email, "30.00", { card: REFERRER_CARD });
  const member = (await (await app.proxy("/member", { shop: SHOP, customerId: REFERRER })).json()) as {
    referral: { path: string };
  };
  code = member.referral.path.split("/").pop()!;
});
afterAll(() => app?.close());
afterEach(async () => expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]));

interface OrderFacts {
  /** The cart attribute the theme sets from the link. */
  attribute?: string;
  /** A code the shopper typed. */
  discount?: string;
  address?: string;
  phone?: string;
  /** The card Shopify shows on the order's transaction (only in the Admin API, not the webhook). */
  card?: { company: string; bin: string; lastFour: string };
}

/** A paid order as Shopify sends it (and as its Admin API then shows it). */
async function paid(
  customerId: number,
  email: string,
  price: string,
  via?: OrderFacts,
  webhookId?: string,
  orderId = nextOrder++,
) {
  const payload = orderPayload("orders/paid", {
    id: orderId,
    customer: { id: customerId, email },
    lines: [{ price, lineItemId: orderId * 10 }],
  }) as Record<string, unknown>;
  payload.note_attributes = via?.attribute ? [{ name: "_tally_ref", value: via.attribute }] : [];
  payload.phone = via?.phone ?? null;
  payload.shipping_address = {
    address1: via?.address ?? `${customerId} Main Street`,
    zip: "10001",
    country_code: "US",
    phone: null,
  };
  const inShopify = app.double.shop(SHOP).orders;
  if (!inShopify.some((order) => order.id === orderId)) {
    const at = new Date().toISOString();
    inShopify.push({
      id: orderId,
      name: `#${orderId}`,
      test: false,
      email,
      createdAt: at,
      processedAt: at,
      updatedAt: at,
      cancelledAt: null,
      taxesIncluded: false,
      displayFinancialStatus: "PAID",
      customer: { id: customerId, email },
      lineItems: [],
      refunds: [],
      card: via?.card,
    });
  }
  payload.discount_codes = via?.discount ? [{ code: via.discount, amount: "0.00", type: "percentage" }] : [];
  const response = await app.webhook("orders/paid", SHOP, payload, { webhookId });
  expect(response.status).toBe(200);
  return orderId;
}
const referralOf = (customerId: number) =>
  app.prisma.referral.findUnique({
    where: { shopId_refereeCustomerId: { shopId, refereeCustomerId: String(customerId) } },
  });
const referrerBalance = async () =>
  Number(
    (
      await app.prisma.member.findUniqueOrThrow({
        where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(REFERRER) } },
      })
    ).balance,
  );
const settle = (at: Date) => POINTS_JOBS.referrals(app.prisma, at);
const later = (days: number) => new Date(Date.now() + days * DAY);
const refund = (orderId: number, refundId: number, subtotal: string) =>
  app.webhook(
    "refunds/create",
    SHOP,
    refundPayload({ id: refundId, orderId, lines: [{ lineItemId: orderId * 10, subtotal }] }),
  );

describe("referrals", () => {
  it("rewards the referrer once, after the friend's first order survives the hold", async () => {
    const before = await referrerBalance();
    const webhookId = crypto.randomUUID();
    const orderId = await paid(7002, "grace@example.com", "50.00", { attribute: code.toLowerCase() }, webhookId);
    // Shopify delivers the same order again, under the same and under another webhook id.
    await paid(7002, "grace@example.com", "50.00", { attribute: code }, webhookId, orderId);
    await paid(7002, "grace@example.com", "50.00", { attribute: code }, undefined, orderId);
    expect(await referralOf(7002)).toMatchObject({ status: "qualifying", source: "cart_attribute", code });
    await settle(new Date());
    expect(await referrerBalance()).toBe(before);
    await settle(new Date(Date.now() + 15 * DAY));
    await settle(new Date(Date.now() + 16 * DAY));
    expect(await referrerBalance()).toBe(before + 500);
    expect(await referralOf(7002)).toMatchObject({ status: "rewarded" });
    // A second order of the same friend is not a new referral.
    await paid(7002, "grace@example.com", "80.00", { attribute: code });
    expect(await app.prisma.referral.count({ where: { shopId, refereeCustomerId: "7002" } })).toBe(1);
  });

  it("attributes a friend who typed the code as a discount", async () => {
    const before = await referrerBalance();
    await paid(7003, "linus@example.com", "25.00", { discount: code });
    expect(await referralOf(7003)).toMatchObject({ status: "qualifying", source: "discount_code" });
    await settle(new Date(Date.now() + 15 * DAY));
    expect(await referrerBalance()).toBe(before + 500);
  });

  it("a first order refunded in full within the hold, or below the minimum, earns nothing", async () => {
    const before = await referrerBalance();
    const orderId = await paid(7004, "barbara@example.com", "40.00", { attribute: code });
    const refund = await app.webhook(
      "refunds/create",
      SHOP,
      refundPayload({ id: 880001, orderId, lines: [{ lineItemId: orderId * 10, subtotal: "40.00" }] }),
    );
    expect(refund.status).toBe(200);
    await paid(7005, "ken@example.com", "10.00", { attribute: code });
    await settle(new Date(Date.now() + 15 * DAY));
    expect(await referralOf(7004)).toMatchObject({ status: "void" });
    expect(await referralOf(7005)).toMatchObject({ status: "void" });
    expect(await referrerBalance()).toBe(before);
  });

  it("blocks self-referral through a Gmail alias and existing customers; holds throwaway addresses for review", async () => {
    const before = await referrerBalance();
    await paid(7006, "a.d.a.lovelace+shop@googlemail.com", "60.00", { attribute: code });
    expect(await referralOf(7006)).toMatchObject({
      status: "rejected",
      signals: [expect.objectContaining({ kind: "same_email", severity: "hard" })],
    });

    await paid(7007, "dennis@example.com", "60.00");
    await paid(7007, "dennis@example.com", "60.00", { attribute: code });
    expect(await referralOf(7007)).toMatchObject({
      status: "rejected",
      signals: [expect.objectContaining({ kind: "existing_customer" })],
    });

    await paid(7008, "temp@mailinator.com", "60.00", { attribute: code });
    await settle(new Date(Date.now() + 15 * DAY));
    expect(await referralOf(7008)).toMatchObject({
      status: "held",
      signals: [expect.objectContaining({ kind: "disposable_email", severity: "soft" })],
    });
    expect(await referrerBalance()).toBe(before);
  });

  it("holds for review the sixth friend shipping to one address within a day", async () => {
    for (let i = 0; i < 6; i++)
      await paid(7100 + i, `friend${i}@example.com`, "30.00", { attribute: code, address: "1 Busy Road" });
    expect((await referralOf(7104))!.signals).toEqual([]);
    expect(await referralOf(7105)).toMatchObject({
      signals: [expect.objectContaining({ kind: "velocity", severity: "soft" })],
    });
    await settle(new Date(Date.now() + 15 * DAY));
    expect(await referralOf(7105)).toMatchObject({ status: "held" });
  });

  it("an unknown code attributes nothing", async () => {
    await paid(7009, "nobody@example.com", "60.00", { attribute: "ZZZZ9999" });
    expect(await referralOf(7009)).toBeNull();
  });

  it("a friend who signed up through the link is the referrer's, and their first order needs no code", async () => {
    const before = await referrerBalance();
    const signup = webhookPayload("customers/create", {
      id: 7201,
      admin_graphql_api_id: "gid://shopify/Customer/7201",
      email: "mary@example.com",
      phone: null,
      note: `Birthday: 1990-04-01\ntally_ref: ${code.toLowerCase()}`,
    });
    expect((await app.webhook("customers/create", SHOP, signup)).status).toBe(200);
    expect((await app.webhook("customers/create", SHOP, signup)).status).toBe(200);
    expect(await referralOf(7201)).toMatchObject({ status: "awaiting_order", source: "signup", orderId: null });
    await paid(7201, "mary@example.com", "45.00");
    expect(await referralOf(7201)).toMatchObject({ status: "qualifying", source: "signup" });
    await settle(later(15));
    expect(await referrerBalance()).toBe(before + 500);
  });

  it("takes the reward back, once, when the friend's first order is refunded in full after it", async () => {
    const before = await referrerBalance();
    const orderId = await paid(7202, "alan@example.com", "50.00", { attribute: code });
    await settle(later(15));
    expect(await referrerBalance()).toBe(before + 500);
    expect((await refund(orderId, 880101, "20.00")).status).toBe(200);
    expect(await referralOf(7202)).toMatchObject({ status: "rewarded" });
    expect((await refund(orderId, 880102, "30.00")).status).toBe(200);
    expect((await refund(orderId, 880102, "30.00")).status).toBe(200);
    expect(await referralOf(7202)).toMatchObject({ status: "reversed" });
    expect(await referrerBalance()).toBe(before);
    const entries = await app.prisma.ledgerEntry.findMany({
      where: { shopId, sourceType: "referral", sourceId: (await referralOf(7202))!.id },
    });
    expect(entries.map((entry) => [entry.kind, entry.delta])).toEqual(
      expect.arrayContaining([
        ["bonus", 500],
        ["reverse", -500],
      ]),
    );
    expect(entries).toHaveLength(2);
  });

  it("blocks the referrer's own account, phone and card; holds an order shipped to the referrer's address", async () => {
    const before = await referrerBalance();
    await paid(REFERRER, "ada.lovelace@gmail.com", "60.00", { attribute: code });
    expect((await referralOf(REFERRER))!.signals).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: "same_customer", severity: "hard" })]),
    );
    expect(await referralOf(REFERRER)).toMatchObject({ status: "rejected" });

    await paid(7203, "charles@example.com", "60.00", { attribute: code, phone: "(212) 555-0147" });
    expect(await referralOf(7203)).toMatchObject({
      status: "rejected",
      signals: [expect.objectContaining({ kind: "same_phone", severity: "hard" })],
    });

    await paid(7204, "mallory@example.com", "60.00", { attribute: code, address: "7001 main street" });
    expect(await referralOf(7204)).toMatchObject({
      status: "qualifying",
      signals: [expect.objectContaining({ kind: "same_address", severity: "soft" })],
    });

    // The card is only in Shopify: it is compared when the hold ends.
    await paid(7205, "eve@example.com", "60.00", { attribute: code, card: REFERRER_CARD });
    await paid(7206, "trent@example.com", "60.00", { attribute: code, card: { ...REFERRER_CARD, lastFour: "1881" } });
    expect(await referralOf(7205)).toMatchObject({ status: "qualifying", signals: [] });
    await settle(later(15));
    expect(await referralOf(7205)).toMatchObject({
      status: "rejected",
      signals: [expect.objectContaining({ kind: "same_payment", severity: "hard" })],
    });
    expect(await referralOf(7204)).toMatchObject({ status: "held" });
    expect(await referralOf(7206)).toMatchObject({ status: "rewarded" });
    // The referrer's own order earns its points as any order does; only 7206 is a reward.
    expect(await referrerBalance()).toBe(before + 60 + 500);
  });

  it("the merchant approves a held referral once, and rejects another", async () => {
    const held = (await referralOf(7008))!;
    const before = await referrerBalance();
    expect(await reviewReferral(app.prisma, "another-shop", held.id, "approve", new Date())).toBe(false);
    expect(await reviewReferral(app.prisma, shopId, held.id, "approve", new Date())).toBe(true);
    expect(await reviewReferral(app.prisma, shopId, held.id, "approve", new Date())).toBe(false);
    expect(await referralOf(7008)).toMatchObject({ status: "rewarded", reviewedAt: expect.any(Date) });
    expect(await referrerBalance()).toBe(before + 500);

    expect(await reviewReferral(app.prisma, shopId, (await referralOf(7105))!.id, "reject", new Date())).toBe(true);
    expect(await referralOf(7105)).toMatchObject({ status: "rejected" });
    expect(await referrerBalance()).toBe(before + 500);
  });

  it("stops at the monthly cap: later friends wait for the merchant", async () => {
    await app.configureProgram(SHOP, (program) => void (program.referrals.monthlyCapPerReferrer = 1));
    const before = await referrerBalance();
    await paid(7207, "olivia@example.com", "60.00", { attribute: code });
    await settle(later(15));
    expect(await referralOf(7207)).toMatchObject({ status: "capped" });
    expect(await referrerBalance()).toBe(before);
    await app.configureProgram(SHOP, (program) => void (program.referrals.monthlyCapPerReferrer = 10));
  });

  it("a first order whose webhook never came is attributed by reconciliation, from the order's cart attribute", async () => {
    const at = new Date().toISOString();
    app.double.shop(SHOP).orders.push({
      id: 9990,
      name: "#9990",
      test: false,
      email: "late@example.com",
      createdAt: at,
      processedAt: at,
      updatedAt: at,
      cancelledAt: null,
      taxesIncluded: false,
      displayFinancialStatus: "PAID",
      customer: { id: 7300, email: "late@example.com" },
      lineItems: [{ id: 99900, quantity: 1, isGiftCard: false, productId: 1, unitPrice: "70.00", discount: "0.00" }],
      refunds: [],
      customAttributes: [{ key: "_tally_ref", value: code }],
    });
    await reconcileOrders(app.prisma, new Date(), { shopDomain: SHOP });
    await reconcileOrders(app.prisma, new Date(), { shopDomain: SHOP });
    expect(await referralOf(7300)).toMatchObject({ status: "qualifying", source: "cart_attribute", code });
  });

  it("erasing a friend keeps the referral without them; erasing the referrer ends their link and its discount", async () => {
    await settle(new Date());
    const friend = (await referralOf(7002))!;
    const redact = (id: number, email: string) =>
      app.webhook(
        "customers/redact",
        SHOP,
        webhookPayload("customers/redact", {
          shop_domain: SHOP,
          customer: { id, email, phone: "" },
          orders_to_redact: [],
        }),
      );
    expect((await redact(7002, "grace@example.com")).status).toBe(200);
    expect(await referralOf(7002)).toBeNull();
    expect(await app.prisma.referral.findUniqueOrThrow({ where: { id: friend.id } })).toMatchObject({
      status: "rewarded",
      refereeCustomerId: `redacted:${friend.id}`,
      addressKey: null,
    });

    expect(app.double.shop(SHOP).discounts.some((discount) => discount.code === code)).toBe(true);
    expect((await redact(REFERRER, "ada.lovelace@gmail.com")).status).toBe(200);
    await settle(new Date());
    expect(app.double.shop(SHOP).discounts.some((discount) => discount.code === code)).toBe(false);
    const referrer = await app.prisma.member.findFirstOrThrow({ where: { shopId, id: friend.referrerId } });
    expect(referrer).toMatchObject({ referralCode: null, addressKeys: [] });
  });
});
