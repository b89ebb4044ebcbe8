import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POINTS_JOBS } from "~/jobs/points.server";
import { ledgerDiscrepancies } from "~/loyalty/ledger.server";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload } from "./support/webhook-fixtures";

const SHOP = "referrals-e2e.myshopify.com";
const DAY = 86_400_000;
const REFERRER = 7001;
let app: TestApp;
let shopId: string;
let code: string;
let nextOrder = 9100;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.referrals = { ...program.referrals, enabled: true, minimumOrder: 20, holdDays: 14, referrerReward: { type: "points", points: 500 } };
  });
  // The referrer is a member with an email (their first order) and a referral link.
  await paid(REFERRER, "ada.lovelace@gmail.com", "30.00");
  const member = (await (await app.proxy("/member", { shop: SHOP, customerId: REFERRER })).json()) as { referral: { path: string } };
  code = member.referral.path.split("/").pop()!;
});
afterAll(() => app?.close());
afterEach(async () => expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]));

/** A paid order as Shopify sends it; `via` puts the code where the theme (cart attribute) or the shopper (discount) put it. */
async function paid(customerId: number, email: string, price: string, via?: { attribute?: string; discount?: string; address?: string }, webhookId?: string, orderId = nextOrder++) {
  const payload = orderPayload("orders/paid", { id: orderId, customer: { id: customerId, email }, lines: [{ price, lineItemId: orderId * 10 }] }) as Record<string, unknown>;
  payload.note_attributes = via?.attribute ? [{ name: "_tally_ref", value: via.attribute }] : [];
  payload.shipping_address = { address1: via?.address ?? `${customerId} Main Street`, zip: "10001", country_code: "US", phone: null };
  payload.discount_codes = via?.discount ? [{ code: via.discount, amount: "0.00", type: "percentage" }] : [];
  const response = await app.webhook("orders/paid", SHOP, payload, { webhookId });
  expect(response.status).toBe(200);
  return orderId;
}
const referralOf = (customerId: number) => app.prisma.referral.findUnique({ where: { shopId_refereeCustomerId: { shopId, refereeCustomerId: String(customerId) } } });
const referrerBalance = async () => (await app.prisma.member.findUniqueOrThrow({ where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(REFERRER) } } })).balance;
const settle = (at: Date) => POINTS_JOBS.referrals(app.prisma, at);

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
    const refund = await app.webhook("refunds/create", SHOP, refundPayload({ id: 880001, orderId, lines: [{ lineItemId: orderId * 10, subtotal: "40.00" }] }));
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
    expect(await referralOf(7006)).toMatchObject({ status: "rejected", signals: [expect.objectContaining({ kind: "same_email", severity: "hard" })] });

    await paid(7007, "dennis@example.com", "60.00");
    await paid(7007, "dennis@example.com", "60.00", { attribute: code });
    expect(await referralOf(7007)).toMatchObject({ status: "rejected", signals: [expect.objectContaining({ kind: "existing_customer" })] });

    await paid(7008, "temp@mailinator.com", "60.00", { attribute: code });
    await settle(new Date(Date.now() + 15 * DAY));
    expect(await referralOf(7008)).toMatchObject({ status: "held", signals: [expect.objectContaining({ kind: "disposable_email", severity: "soft" })] });
    expect(await referrerBalance()).toBe(before);
  });

  it("holds for review the sixth friend shipping to one address within a day", async () => {
    for (let i = 0; i < 6; i++) await paid(7100 + i, `friend${i}@example.com`, "30.00", { attribute: code, address: "1 Busy Road" });
    expect((await referralOf(7104))!.signals).toEqual([]);
    expect(await referralOf(7105)).toMatchObject({ signals: [expect.objectContaining({ kind: "velocity", severity: "soft" })] });
    await settle(new Date(Date.now() + 15 * DAY));
    expect(await referralOf(7105)).toMatchObject({ status: "held" });
  });

  it("an unknown code attributes nothing", async () => {
    await paid(7009, "nobody@example.com", "60.00", { attribute: "ZZZZ9999" });
    expect(await referralOf(7009)).toBeNull();
  });
});
