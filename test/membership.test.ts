import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deliverFlowEvents } from "~/jobs/flow.server";
import { syncMembersToShopify } from "~/jobs/member-sync.server";
import { settleMembershipClocks } from "~/jobs/points.server";
import { deliverTierPerkSyncs } from "~/jobs/tier-perks.server";
import { FLOW_TRIGGERS } from "~/loyalty/points/flow-triggers";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import type { Program } from "~/loyalty/program/program";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { webhookPayload } from "./support/webhook-fixtures";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload, type FixtureLine } from "./support/webhook-fixtures";

// The paid membership from orders (issue 22, docs/membership.md): Shopify's signed order and refund
// webhooks make, extend and end it; the hourly job lapses it; its perks apply. Runs on PGlite and,
// with TEST_DATABASE_URL, on PostgreSQL.

const SHOP = "membership-shop.myshopify.com";
const DAY = 86_400_000;
const MONTHLY_VARIANT = 4401;
const YEARLY_VARIANT = 4402;
let app: TestApp;
let shopId = "";
let nextOrder = 88_000;

const membership: Program["membership"] = {
  enabled: true,
  name: "Club",
  plans: [
    {
      id: "monthly",
      name: "Monthly",
      interval: "month",
      intervalCount: 1,
      price: 9,
      variantId: String(MONTHLY_VARIANT),
      productHandle: "club",
    },
    {
      id: "yearly",
      name: "Yearly",
      interval: "year",
      intervalCount: 1,
      price: 79,
      variantId: String(YEARLY_VARIANT),
      productHandle: "club",
    },
  ],
  graceDays: 7,
  endingSoonDays: 7,
  perks: {
    earnMultiplier: 2,
    stacksWithTier: false,
    joinBonusPoints: 500,
    renewalBonusPoints: 100,
    discounts: {
      percentageOff: null,
      freeShipping: {
        minimumSubtotal: null,
        combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: false },
      },
    },
    tag: "Club member",
  },
};

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  await app.admin("/api/program", SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.earning.order.holdDays = 0;
    program.membership = membership;
    program.rewards.push({
      id: "club-tote",
      name: "Club tote",
      type: "fixed_amount",
      pointsCost: 100,
      amount: 5,
      minimumOrder: null,
      scope: { productIds: [], collectionIds: [] },
      tierIds: [],
      membersOnly: true,
      codePrefix: "CLUB-",
      codeLifetimeDays: 30,
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
    });
  });
  await app.prisma.shop.update({
    where: { id: shopId },
    data: { flowTriggersEnabled: Object.values(FLOW_TRIGGERS).map((trigger) => trigger.handle) },
  });
});
afterAll(() => app?.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

const buy = (
  customerId: number,
  lines: FixtureLine[],
  placedAt: Date,
  options: { id?: number; sourceName?: string } = {},
) => {
  const id = options.id ?? nextOrder++;
  const payload = orderPayload("orders/paid", {
    id,
    customer: { id: customerId, email: `m${customerId}@example.com` },
    lines,
    processedAt: placedAt.toISOString(),
    sourceName: options.sourceName,
  });
  return { id, payload, send: () => app.webhook("orders/paid", SHOP, payload) };
};
const plan = (variantId: number, lineItemId = nextOrder * 10, price = "79.00"): FixtureLine => ({
  price,
  variantId,
  lineItemId,
});
const member = (customerId: number) =>
  app.prisma.member.findUniqueOrThrow({
    where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(customerId) } },
    include: { paidMembership: true },
  });
const bonusEntries = async (customerId: number) =>
  (
    await app.prisma.ledgerEntry.findMany({
      where: { memberId: (await member(customerId)).id, sourceType: "membership" },
      orderBy: { createdAt: "asc" },
    })
  ).map((entry) => ({ kind: entry.kind, points: Number(entry.delta + entry.pendingDelta), reason: entry.reason }));
async function flowEvents(handle: string, customerId: number) {
  // Events the job queued at a later clock are due then.
  await deliverFlowEvents(app.prisma, new Date(Date.now() + 400 * DAY));
  return app.double
    .shop(SHOP)
    .flowEvents.filter((event) => event.handle === handle && event.payload.customer_id === customerId)
    .map((event) => event.payload);
}
const ago = (days: number) => new Date(Date.now() - days * DAY);
const plus = (date: Date, months: number) => {
  const next = new Date(date);
  next.setUTCMonth(next.getUTCMonth() + months);
  return next;
};

describe("a paid membership from orders", () => {
  it("buying the yearly plan makes the customer a member until a year later, once however often the order is delivered", async () => {
    const placedAt = ago(1);
    const order = buy(5001, [plan(YEARLY_VARIANT)], placedAt);
    for (let delivery = 0; delivery < 3; delivery++) expect((await order.send()).status).toBe(200);

    const { paidMembership } = await member(5001);
    expect(paidMembership).toMatchObject({
      planId: "yearly",
      status: "active",
      startedAt: placedAt,
      autoRenews: false,
    });
    expect(paidMembership!.paidThrough).toEqual(plus(placedAt, 12));
    expect(await app.prisma.membershipGrant.count({ where: { shopId, shopifyOrderId: String(order.id) } })).toBe(1);
    expect(await bonusEntries(5001)).toEqual([{ kind: "bonus", points: 500, reason: "join" }]);
    const started = await flowEvents("tally-membership-started", 5001);
    expect(started).toEqual([
      expect.objectContaining({
        "Plan id": "yearly",
        "Plan name": "Yearly",
        "Paid through": plus(placedAt, 12).toISOString(),
        "Auto renews": false,
      }),
    ]);
  });

  it("a renewal before the end extends from the end, and a subscription app's renewal says it auto-renews", async () => {
    const first = ago(20);
    expect((await buy(5002, [plan(MONTHLY_VARIANT, undefined, "9.00")], first).send()).status).toBe(200);
    // The renewal arrives ten days before the month is over, sent by a subscription app.
    const renewal = buy(5002, [plan(MONTHLY_VARIANT, undefined, "9.00")], ago(0), {
      sourceName: "subscription_contract",
    });
    expect((await renewal.send()).status).toBe(200);

    const { paidMembership } = await member(5002);
    expect(paidMembership).toMatchObject({ status: "active", startedAt: first, autoRenews: true });
    expect(paidMembership!.paidThrough).toEqual(plus(plus(first, 1), 1));
    expect(await bonusEntries(5002)).toEqual([
      { kind: "bonus", points: 500, reason: "join" },
      { kind: "bonus", points: 100, reason: "renewal" },
    ]);
    expect(await flowEvents("tally-membership-renewed", 5002)).toEqual([
      expect.objectContaining({ "Plan id": "monthly", "Auto renews": true }),
    ]);
  });

  it("the same two orders delivered in the opposite order end at the same paidThrough", async () => {
    const startedAt = ago(20);
    const first = buy(5003, [plan(MONTHLY_VARIANT, undefined, "9.00")], startedAt);
    const renewal = buy(5003, [plan(MONTHLY_VARIANT, undefined, "9.00")], ago(0));
    expect((await renewal.send()).status).toBe(200);
    expect((await first.send()).status).toBe(200);
    const { paidMembership } = await member(5003);
    expect(paidMembership!.paidThrough).toEqual(plus(plus(startedAt, 1), 1));
    expect(paidMembership!.startedAt).toEqual(startedAt);
  });

  it("a renewal that arrives after the grace restarts the membership from its paid date", async () => {
    expect((await buy(5004, [plan(MONTHLY_VARIANT, undefined, "9.00")], ago(60)).send()).status).toBe(200);
    const late = ago(1);
    expect((await buy(5004, [plan(MONTHLY_VARIANT, undefined, "9.00")], late).send()).status).toBe(200);
    const { paidMembership } = await member(5004);
    expect(paidMembership).toMatchObject({ status: "active", startedAt: late });
    expect(paidMembership!.paidThrough).toEqual(plus(late, 1));
    expect(await app.prisma.membershipTerm.count({ where: { memberId: (await member(5004)).id } })).toBe(2);
  });

  it("a full refund of the membership order ends it and takes its join bonus back; Flow hears it ended", async () => {
    const lineItemId = 991_000_001;
    const placedAt = ago(2);
    const order = buy(5005, [plan(YEARLY_VARIANT, lineItemId)], placedAt);
    expect((await order.send()).status).toBe(200);
    expect((await member(5005)).paidMembership!.status).toBe("active");

    const refund = refundPayload({
      id: 77_001,
      orderId: order.id,
      lines: [{ lineItemId, subtotal: "79.00", quantity: 1 }],
    });
    expect((await app.webhook("refunds/create", SHOP, refund)).status).toBe(200);
    expect((await app.webhook("refunds/create", SHOP, refund)).status).toBe(200);

    const { paidMembership, balance } = await member(5005);
    expect(paidMembership).toMatchObject({ status: "ended" });
    expect(paidMembership!.endedAt).not.toBeNull();
    expect(await bonusEntries(5005)).toEqual([
      { kind: "bonus", points: 500, reason: "join" },
      { kind: "reverse", points: -500, reason: null },
    ]);
    // The order's own points went back with the refund as well.
    expect(Number(balance)).toBe(0);
    expect(await flowEvents("tally-membership-ended", 5005)).toEqual([
      expect.objectContaining({ "Plan id": "yearly", "Member since": placedAt.toISOString() }),
    ]);
  });

  it("cancelling the renewal order shortens the membership back to what the first order paid", async () => {
    const first = ago(10);
    expect((await buy(5006, [plan(MONTHLY_VARIANT, undefined, "9.00")], first).send()).status).toBe(200);
    const renewal = buy(5006, [plan(MONTHLY_VARIANT, undefined, "9.00")], ago(1));
    expect((await renewal.send()).status).toBe(200);
    expect((await member(5006)).paidMembership!.paidThrough).toEqual(plus(plus(first, 1), 1));

    const cancelled = orderPayload("orders/cancelled", {
      id: renewal.id,
      customer: { id: 5006, email: "m5006@example.com" },
      lines: [],
    });
    expect((await app.webhook("orders/cancelled", SHOP, cancelled)).status).toBe(200);
    const { paidMembership } = await member(5006);
    expect(paidMembership).toMatchObject({ status: "active" });
    expect(paidMembership!.paidThrough).toEqual(plus(first, 1));
    expect(await bonusEntries(5006)).toEqual([
      { kind: "bonus", points: 500, reason: "join" },
      { kind: "bonus", points: 100, reason: "renewal" },
      { kind: "reverse", points: -100, reason: null },
    ]);
  });
});

describe("the hourly membership job", () => {
  it("says it is ending soon once, moves it into grace, then ends it after the grace days", async () => {
    // A monthly membership bought 26 days ago: its month ends in 4–5 days (within endingSoonDays).
    const placedAt = ago(26);
    expect((await buy(5007, [plan(MONTHLY_VARIANT, undefined, "9.00")], placedAt).send()).status).toBe(200);
    const paidThrough = plus(placedAt, 1);

    await settleMembershipClocks(app.prisma, new Date(), SHOP);
    await settleMembershipClocks(app.prisma, new Date(), SHOP);
    expect(await flowEvents("tally-membership-ending-soon", 5007)).toEqual([
      expect.objectContaining({ "Paid through": paidThrough.toISOString(), "Auto renews": false }),
    ]);

    await settleMembershipClocks(app.prisma, new Date(paidThrough.getTime() + DAY), SHOP);
    expect((await member(5007)).paidMembership).toMatchObject({ status: "grace" });
    expect(await flowEvents("tally-membership-ended", 5007)).toEqual([]);

    const lapsed = new Date(paidThrough.getTime() + 8 * DAY);
    await settleMembershipClocks(app.prisma, lapsed, SHOP);
    await settleMembershipClocks(app.prisma, lapsed, SHOP);
    const { paidMembership } = await member(5007);
    expect(paidMembership).toMatchObject({ status: "ended", endedAt: lapsed });
    expect(await flowEvents("tally-membership-ended", 5007)).toHaveLength(1);
  });
});

describe("the membership's perks", () => {
  it("doubles points on a later order (not the order that bought it) and counts them as savings", async () => {
    expect((await buy(5008, [plan(YEARLY_VARIANT, undefined, "79.00")], ago(3)).send()).status).toBe(200);
    const afterJoin = Number((await member(5008)).balance);
    // The membership's own order earns at the usual rate: 79 points and the 500 join bonus.
    expect(afterJoin).toBe(79 + 500);

    expect(
      (
        await buy(
          5008,
          [{ price: "40.00", automaticDiscount: { title: "Club: free shipping", amount: "4.90" } }],
          ago(1),
        ).send()
      ).status,
    ).toBe(200);
    const { balance, paidMembership } = await member(5008);
    // 35.10 after the member's free-shipping discount: 35 points, doubled.
    expect(Number(balance) - afterJoin).toBe(70);
    expect(Number(paidMembership!.extraPoints)).toBe(35);
    expect(paidMembership!.discountCents).toBe(490n);
  });

  it("members carry the membership's tag and metafield; its free shipping is one automatic discount for their segment", async () => {
    const placedAt = ago(1);
    expect((await buy(5009, [plan(YEARLY_VARIANT)], placedAt).send()).status).toBe(200);
    await syncMembersToShopify(app.prisma, new Date(Date.now() + 60_000));
    const shopify = app.double.shop(SHOP);
    expect(shopify.tags["gid://shopify/Customer/5009"]).toContain("Club member");
    expect(JSON.parse(shopify.metafields["gid://shopify/Customer/5009"]!["$app.membership"]!.value)).toEqual({
      active: true,
      planId: "yearly",
      paidThrough: plus(placedAt, 12).toISOString(),
    });

    await deliverTierPerkSyncs(app.prisma, new Date());
    await deliverTierPerkSyncs(app.prisma, new Date());
    expect(shopify.segments.filter((segment) => segment.query === "customer_tags CONTAINS 'Club member'")).toHaveLength(
      1,
    );
    const memberDiscounts = shopify.automaticDiscounts.filter((discount) =>
      (discount.input.tags as string[]).includes("tally-perk:membership:paid:free_shipping"),
    );
    expect(memberDiscounts).toHaveLength(1);
    expect(memberDiscounts[0]!.input).toMatchObject({ title: "Club: free shipping" });
  });

  it("a lapsed member loses the tag", async () => {
    const { id } = await member(5007);
    await app.prisma.outboxTask.deleteMany({ where: { shopId, topic: "sync_member", key: `sync:${id}` } });
    await app.prisma.paidMembership.update({ where: { memberId: id }, data: { taggedAs: "Club member" } });
    await app.prisma.$executeRaw`
      INSERT INTO "OutboxTask" (id, "shopId", topic, key, payload, "runAt", attempts, "createdAt")
      VALUES (gen_random_uuid()::text, ${shopId}, 'sync_member', ${`sync:${id}`}, ${JSON.stringify({ memberId: id, changes: 1 })}::jsonb, now(), 0, now())`;
    app.double.shop(SHOP).tags["gid://shopify/Customer/5007"] = ["Club member", "VIP"];
    await syncMembersToShopify(app.prisma, new Date(Date.now() + 60_000));
    expect(app.double.shop(SHOP).tags["gid://shopify/Customer/5007"]).toEqual(["VIP"]);
    expect((await member(5007)).paidMembership!.taggedAs).toBeNull();
  });
});

describe("members-only rewards and customer merges", () => {
  const redeem = (customerId: number) =>
    fetch(`${app.url}/proxy/redemptions?${appProxyQuery({ shop: SHOP, customerId }, TEST_API_SECRET)}`, {
      method: "POST",
      headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "club-tote" }),
    });

  it("only a paying member redeems a members-only reward", async () => {
    // 5010 has points from an ordinary order but never bought the membership.
    expect((await buy(5010, [{ price: "150.00" }], ago(1)).send()).status).toBe(200);
    const refused = await redeem(5010);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: "reward_unavailable" });
    expect(Number((await member(5010)).balance)).toBe(150);
    // 5001 pays for the yearly plan.
    expect((await redeem(5001)).status).toBe(201);
  });

  it("a merged customer's membership orders are the kept customer's; their bonuses are not given twice", async () => {
    const placedAt = ago(3);
    const order = buy(5011, [plan(YEARLY_VARIANT)], placedAt);
    expect((await order.send()).status).toBe(200);
    const mergedId = (await member(5011)).id;
    expect((await buy(5012, [{ price: "10.00" }], ago(2)).send()).status).toBe(200);
    const merge = webhookPayload("customers/merge", {
      admin_graphql_api_customer_kept_id: "gid://shopify/Customer/5012",
      admin_graphql_api_customer_deleted_id: "gid://shopify/Customer/5011",
      status: "completed",
      errors: [],
    });
    expect((await app.webhook("customers/merge", SHOP, merge)).status).toBe(200);

    const kept = await member(5012);
    expect(kept.paidMembership).toMatchObject({ status: "active", planId: "yearly", startedAt: placedAt });
    expect(await app.prisma.paidMembership.count({ where: { memberId: mergedId } })).toBe(0);
    // The join bonus moved with the merged points and was not given again.
    expect(
      await app.prisma.ledgerEntry.count({
        where: { shopId, sourceType: "membership", sourceId: { startsWith: `${order.id}:` } },
      }),
    ).toBe(1);
    expect(Number(kept.balance)).toBe(79 + 500 + 10);
  });
});
