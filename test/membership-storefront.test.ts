import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program/program";
import { mintSessionToken } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/**
 * The paid membership as shoppers see it through both doors (App Proxy and extension API): a guest
 * and a shopper who never paid get the offer to join (`program.membership`), a member their
 * membership (`membership`) with its renewal date and savings; a members-only reward is available
 * to paying members alone. Memberships are seeded as the lifecycle writes them.
 */

const SHOP = "membership-storefront.myshopify.com";
const MEMBER = 7801;
const LAPSED = 7802;
const NEVER = 7803;
const DAY = 86_400_000;
let app: TestApp;
let shopId: string;

const MEMBERSHIP: Program["membership"] = {
  enabled: true,
  name: "Club Plus",
  translations: { fr: { name: "Club Plus FR" } },
  plans: [
    {
      id: "yearly",
      name: "Yearly",
      translations: { fr: { name: "Annuel" } },
      interval: "year",
      intervalCount: 1,
      price: 79,
      variantId: "44020001",
      productHandle: "club-plus",
    },
    // No variant yet: not offered.
    {
      id: "monthly",
      name: "Monthly",
      translations: {},
      interval: "month",
      intervalCount: 1,
      price: 9,
      variantId: null,
      productHandle: null,
    },
  ],
  graceDays: 7,
  endingSoonDays: 7,
  perks: {
    earnMultiplier: 2,
    stacksWithTier: false,
    joinBonusPoints: 100,
    renewalBonusPoints: 50,
    discounts: {
      percentageOff: null,
      freeShipping: {
        minimumSubtotal: null,
        combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: false },
      },
    },
    tag: "Club Plus",
  },
};

async function pay(orderId: number, customerId: number, price: string) {
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

async function seedMembership(customerId: number, data: { paidThrough: Date; status: string; autoRenews: boolean }) {
  const member = await app.prisma.member.findUniqueOrThrow({
    where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(customerId) } },
  });
  await app.prisma.paidMembership.create({
    data: {
      memberId: member.id,
      shopId,
      planId: "yearly",
      startedAt: new Date(data.paidThrough.getTime() - 365 * DAY),
      startedBy: `order:${customerId}:line`,
      extraPoints: 240n,
      discountCents: 1250n,
      endedAt: data.status === "ended" ? data.paidThrough : null,
      ...data,
    },
  });
}

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.membership = MEMBERSHIP;
    const fixed = program.rewards.find((reward) => reward.type === "fixed_amount")!;
    program.rewards.push(
      { ...fixed, id: "members-ten", name: "10 off for members", pointsCost: 100, membersOnly: true },
      { ...fixed, id: "plain-ten", name: "10 off", pointsCost: 100, membersOnly: false },
    );
  });
  await app.prisma.shop.update({ where: { id: shopId }, data: { currencyCode: "EUR" } });
  // Three shoppers with points: a paying member, one whose membership ended, one who never paid.
  await pay(78_001, MEMBER, "300.00");
  await pay(78_002, LAPSED, "300.00");
  await pay(78_003, NEVER, "300.00");
  await seedMembership(MEMBER, { paidThrough: new Date(Date.now() + 200 * DAY), status: "active", autoRenews: true });
  await seedMembership(LAPSED, { paidThrough: new Date(Date.now() - 30 * DAY), status: "ended", autoRenews: false });
});
afterAll(() => app?.close());

const OFFER = {
  name: "Club Plus",
  plans: [
    {
      id: "yearly",
      name: "Yearly",
      interval: "year",
      intervalCount: 1,
      price: "79.00",
      currencyCode: "EUR",
      variantId: "44020001",
      productHandle: "club-plus",
      productUrl: `https://${SHOP}/products/club-plus?variant=44020001`,
    },
  ],
  perks: {
    earnMultiplier: 2,
    joinBonusPoints: 100,
    renewalBonusPoints: 50,
    discounts: [{ type: "free_shipping", minimumSubtotal: null, currencyCode: null }],
  },
};

interface MemberAnswer {
  loggedIn: boolean;
  membership?: unknown;
  rewards?: { id: string; available: boolean; membersOnly: boolean }[];
  offers: { nextReward: { rewardId: string; remaining: number } | null };
  program: { membership: unknown; rewards: { id: string; membersOnly: boolean }[] };
}

async function viaProxy(customerId: number | null): Promise<MemberAnswer> {
  const response = await app.proxy("/member", { shop: SHOP, customerId });
  expect(response.status).toBe(200);
  return (await response.json()) as MemberAnswer;
}

async function viaExtension(customerId: number, language = "en"): Promise<MemberAnswer> {
  const token = await mintSessionToken({
    shop: SHOP,
    apiKey: TEST_API_KEY,
    apiSecret: TEST_API_SECRET,
    subject: `gid://shopify/Customer/${customerId}`,
  });
  const response = await fetch(`${app.url}/api/extension/member`, {
    headers: { Authorization: `Bearer ${token}`, "User-Agent": BROWSER_USER_AGENT, "Accept-Language": language },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as MemberAnswer;
}

describe("the paid membership in the member API", () => {
  it("offers a guest the plans that have a variant, priced in the shop's currency", async () => {
    const guest = await viaProxy(null);
    expect(guest.loggedIn).toBe(false);
    expect(guest.program.membership).toEqual(OFFER);
    expect(guest.program.rewards.find((r) => r.id === "members-ten")?.membersOnly).toBe(true);
  });

  it("shows a paying member their membership, renewal date and savings, through both doors", async () => {
    const expected = {
      active: true,
      status: "active",
      planId: "yearly",
      planName: "Yearly",
      autoRenews: true,
      savings: { points: 240, discount: { amount: "12.50", currencyCode: "EUR" } },
    };
    for (const answer of [await viaProxy(MEMBER), await viaExtension(MEMBER)]) {
      expect(answer.membership).toMatchObject(expected);
      expect(Date.parse((answer.membership as { paidThrough: string }).paidThrough)).toBeGreaterThan(Date.now());
      // The offer stays in the program (the clients show it only to shoppers not paying).
      expect(answer.program.membership).toEqual(OFFER);
    }
  });

  it("gives a shopper who never paid no membership, and one whose membership ended its end", async () => {
    for (const answer of [await viaProxy(NEVER), await viaExtension(NEVER)]) {
      expect(answer.membership).toBeNull();
      expect(answer.program.membership).toEqual(OFFER);
    }
    for (const answer of [await viaProxy(LAPSED), await viaExtension(LAPSED)]) {
      expect(answer.membership).toMatchObject({ active: false, status: "ended", autoRenews: false });
    }
  });

  it("names the plan and the offer in the shopper's language", async () => {
    const french = await viaExtension(MEMBER, "fr");
    expect(french.membership).toMatchObject({ planName: "Annuel" });
    expect(french.program.membership).toMatchObject({ name: "Club Plus FR", plans: [{ name: "Annuel" }] });
  });

  it("makes a members-only reward available to paying members alone", async () => {
    const available = (answer: MemberAnswer) => answer.rewards!.find((r) => r.id === "members-ten")!.available;
    expect(available(await viaProxy(MEMBER))).toBe(true);
    expect(available(await viaExtension(MEMBER))).toBe(true);
    expect(available(await viaProxy(NEVER))).toBe(false);
    expect(available(await viaExtension(LAPSED))).toBe(false);
    // Other rewards are unchanged: 300 points reach the 100-point reward for everyone.
    // 300 points reach both; a 400-point members-only reward is the next one for members alone.
    await app.configureProgram(SHOP, (program) => {
      const fixed = program.rewards.find((reward) => reward.type === "fixed_amount")!;
      program.rewards.push({
        ...fixed,
        id: "members-forty",
        name: "40 off for members",
        pointsCost: 400,
        membersOnly: true,
      });
    });
    expect((await viaProxy(MEMBER)).offers.nextReward).toMatchObject({ rewardId: "members-forty", remaining: 100 });
    expect((await viaProxy(NEVER)).offers.nextReward?.rewardId).not.toBe("members-forty");
    expect((await viaProxy(NEVER)).rewards!.find((r) => r.id === "plain-ten")).toMatchObject({
      available: true,
      membersOnly: false,
    });
  });

  it("counts a membership past its paid date as in grace until the grace ends, before the job writes it", async () => {
    await app.prisma.paidMembership.updateMany({
      where: { shopId, member: { shopifyCustomerId: String(MEMBER) } },
      data: { paidThrough: new Date(Date.now() - 2 * DAY) },
    });
    const inGrace = await viaProxy(MEMBER);
    expect(inGrace.membership).toMatchObject({ active: true, status: "grace" });
    expect(inGrace.rewards!.find((r) => r.id === "members-ten")!.available).toBe(true);
    await app.prisma.paidMembership.updateMany({
      where: { shopId, member: { shopifyCustomerId: String(MEMBER) } },
      data: { paidThrough: new Date(Date.now() - 8 * DAY) },
    });
    const past = await viaProxy(MEMBER);
    expect(past.membership).toMatchObject({ active: false, status: "ended" });
    expect(past.rewards!.find((r) => r.id === "members-ten")!.available).toBe(false);
  });
});
