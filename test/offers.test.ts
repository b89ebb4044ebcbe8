import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deliverFlowEvents } from "~/jobs/flow.server";
import { announceStartedBonusEvents, grantWinBacks } from "~/jobs/points.server";
import { scoreAwaitingOrders } from "~/jobs/score-orders.server";
import { FLOW_TRIGGERS } from "~/loyalty/points/flow-triggers";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import type { Program } from "~/loyalty/program/program";
import { ON_POSTGRES } from "./support/database";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

const WIN_BACK = "offers-win-back.myshopify.com";
const EVENTS = "offers-events.myshopify.com";
const DAY = 86_400_000;
let app: TestApp;
const shopIds: Record<string, string> = {};

const GOLD: Program["tiers"]["levels"][number] = {
  id: "gold",
  name: "Gold",
  threshold: 100,
  earnMultiplier: 1,
  entryBonusPoints: 0,
  translations: {},
};
const TEN_OFF = { id: "ten-off", name: "10 off", type: "fixed_amount", pointsCost: 1000, amount: 10 };

beforeAll(async () => {
  app = await startTestApp();
  for (const shop of [WIN_BACK, EVENTS]) {
    await app.installShop(shop);
    await app.admin("/api/program", shop);
    const { id } = await app.prisma.shop.update({
      where: { domain: shop },
      data: { flowTriggersEnabled: Object.values(FLOW_TRIGGERS).map((trigger) => trigger.handle) },
    });
    shopIds[shop] = id;
  }
  await app.configureProgram(WIN_BACK, (program) => {
    program.offers.winBack = { enabled: true, inactiveDays: 30, multiplier: 2, durationDays: 14 };
    program.rewards.push(TEN_OFF as Program["rewards"][number]);
  });
});
afterAll(() => app?.close());
afterEach(async () => {
  for (const shopId of Object.values(shopIds)) expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

const paid = (shop: string, id: number, customerId: number, price: string, placedAt = new Date()) =>
  app.webhook(
    "orders/paid",
    shop,
    orderPayload("orders/paid", {
      id,
      customer: { id: customerId, email: `c${customerId}@example.com` },
      lines: [{ price }],
      processedAt: placedAt.toISOString(),
    }),
  );
const member = (shop: string, customerId: number) =>
  app.prisma.member.findUniqueOrThrow({
    where: { shopId_shopifyCustomerId: { shopId: shopIds[shop]!, shopifyCustomerId: String(customerId) } },
  });
const balance = async (shop: string, customerId: number) => Number((await member(shop, customerId)).balance);
/** A member who joined, and last ordered, `days` ago. */
async function lapsedMember(shop: string, orderId: number, customerId: number, price: string, days: number) {
  const then = new Date(Date.now() - days * DAY);
  expect((await paid(shop, orderId, customerId, price, then)).status).toBe(200);
  await app.prisma.member.update({
    where: { id: (await member(shop, customerId)).id },
    data: { createdAt: then },
  });
}
const flowEvents = (shop: string, handle: string) =>
  app.double.shop(shop).flowEvents.filter((event) => event.handle === handle);

describe("win-back offers", () => {
  it("a member inactive past inactiveDays gets one offer and one Flow event however often the job runs", async () => {
    await lapsedMember(WIN_BACK, 8001, 7001, "100.00", 45);
    // Ordered 10 days ago: not inactive.
    await lapsedMember(WIN_BACK, 8002, 7002, "100.00", 10);
    const now = new Date();
    expect((await grantWinBacks(app.prisma, now, WIN_BACK)).processed).toBe(1);
    expect((await grantWinBacks(app.prisma, new Date(now.getTime() + 3_600_000), WIN_BACK)).processed).toBe(0);
    const offers = await app.prisma.memberOffer.findMany({ where: { shopId: shopIds[WIN_BACK] } });
    expect(offers).toEqual([
      expect.objectContaining({
        memberId: (await member(WIN_BACK, 7001)).id,
        kind: "win_back",
        multiplier: 2,
        endsAt: new Date(now.getTime() + 14 * DAY),
      }),
    ]);
    await deliverFlowEvents(app.prisma, new Date(now.getTime() + 60_000));
    await deliverFlowEvents(app.prisma, new Date(now.getTime() + 120_000));
    expect(flowEvents(WIN_BACK, "tally-win-back-offer")).toEqual([
      {
        handle: "tally-win-back-offer",
        payload: {
          customer_id: 7001,
          Multiplier: 2,
          "Ends at": new Date(now.getTime() + 14 * DAY).toISOString(),
          "Points balance": 100,
          "Next reward": "5 off",
          "Points to next reward": 400,
        },
      },
    ]);
  });

  it("the member's next paid order earns ×multiplier while the offer runs, and not after it ends", async () => {
    const before = await balance(WIN_BACK, 7001);
    expect((await paid(WIN_BACK, 8003, 7001, "50.00")).status).toBe(200);
    expect(await balance(WIN_BACK, 7001)).toBe(before + 100);
    // Two weeks later (the offer moved into the past stands for the time passed).
    const offer = await app.prisma.memberOffer.findFirstOrThrow({ where: { shopId: shopIds[WIN_BACK] } });
    await app.prisma.memberOffer.update({
      where: { id: offer.id },
      data: { startsAt: new Date(Date.now() - 15 * DAY), endsAt: new Date(Date.now() - DAY) },
    });
    expect((await paid(WIN_BACK, 8004, 7001, "50.00")).status).toBe(200);
    expect(await balance(WIN_BACK, 7001)).toBe(before + 150);
    await app.prisma.memberOffer.update({
      where: { id: offer.id },
      data: { startsAt: offer.startsAt, endsAt: offer.endsAt },
    });
    // The member without an offer earns as always.
    const other = await balance(WIN_BACK, 7002);
    expect((await paid(WIN_BACK, 8005, 7002, "50.00")).status).toBe(200);
    expect(await balance(WIN_BACK, 7002)).toBe(other + 50);
  });

  it("the member API shows the running offer and the next best reward", async () => {
    const response = await app.proxy("/member", { shop: WIN_BACK, customerId: 7001 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { points: { balance: number }; offers: unknown };
    const offer = await app.prisma.memberOffer.findFirstOrThrow({ where: { shopId: shopIds[WIN_BACK] } });
    // 250 points: 5 off (500) is the cheapest not reached yet.
    expect(body.points.balance).toBe(250);
    expect(body.offers).toEqual({
      winBack: { multiplier: 2, endsAt: offer.endsAt.toISOString() },
      nextReward: { rewardId: "five-off", name: "5 off", pointsCost: 500, remaining: 250 },
    });
    const other = (await (await app.proxy("/member", { shop: WIN_BACK, customerId: 7002 })).json()) as {
      offers: unknown;
    };
    expect(other.offers).toEqual({
      winBack: null,
      nextReward: { rewardId: "five-off", name: "5 off", pointsCost: 500, remaining: 350 },
    });
  });
});

describe("win-back offers with tiers and in parallel", () => {
  it("a win-back offer stacks with the member's tier multiplier", async () => {
    await app.configureProgram(WIN_BACK, (program) => {
      program.tiers = { ...program.tiers, levels: [{ ...GOLD, threshold: 50, earnMultiplier: 1.5 }] };
    });
    await lapsedMember(WIN_BACK, 8101, 7011, "100.00", 45);
    expect((await member(WIN_BACK, 7011)).tierId).toBe("gold");
    expect((await grantWinBacks(app.prisma, new Date(), WIN_BACK)).processed).toBe(1);
    const before = await balance(WIN_BACK, 7011);
    expect((await paid(WIN_BACK, 8102, 7011, "10.00")).status).toBe(200);
    // 10 points × 1.5 (Gold) × 2 (win-back).
    expect(await balance(WIN_BACK, 7011)).toBe(before + 30);
    await app.configureProgram(WIN_BACK, (program) => {
      program.tiers = { ...program.tiers, levels: [] };
    });
  });

  it.skipIf(!ON_POSTGRES)("on PostgreSQL: passes running at once make one offer per member", async () => {
    await lapsedMember(WIN_BACK, 8201, 7021, "100.00", 45);
    const now = Date.now();
    const passes = await Promise.all(
      [0, 1, 2, 3].map((i) => grantWinBacks(app.prisma, new Date(now + i * 1000), WIN_BACK)),
    );
    expect(passes.reduce((sum, pass) => sum + pass.processed, 0)).toBe(1);
    expect(await app.prisma.memberOffer.count({ where: { memberId: (await member(WIN_BACK, 7021)).id } })).toBe(1);
  });
});

describe("targeted bonus events", () => {
  const running = (changes: Partial<Program["earning"]["bonusEvents"][number]>) => ({
    name: "Gold days",
    startsAt: new Date(Date.now() - 3_600_000).toISOString(),
    endsAt: new Date(Date.now() + DAY).toISOString(),
    multiplier: 3,
    tierIds: [],
    segmentId: null,
    ...changes,
  });

  beforeAll(async () => {
    await app.configureProgram(EVENTS, (program) => {
      program.tiers = { ...program.tiers, levels: [GOLD] };
    });
    // Two members reach Gold before any event runs; one stays below.
    expect((await paid(EVENTS, 9001, 7101, "150.00")).status).toBe(200);
    expect((await paid(EVENTS, 9002, 7102, "20.00")).status).toBe(200);
    expect((await member(EVENTS, 7101)).tierId).toBe("gold");
    expect((await member(EVENTS, 7102)).tierId).toBeNull();
  });

  it("an event for Gold multiplies Gold members' orders and no one else's", async () => {
    await app.configureProgram(EVENTS, (program) => {
      program.earning.bonusEvents = [running({ tierIds: ["gold"] })];
    });
    const [gold, other] = [await balance(EVENTS, 7101), await balance(EVENTS, 7102)];
    expect((await paid(EVENTS, 9003, 7101, "10.00")).status).toBe(200);
    expect((await paid(EVENTS, 9004, 7102, "10.00")).status).toBe(200);
    expect(await balance(EVENTS, 7101)).toBe(gold + 30);
    expect(await balance(EVENTS, 7102)).toBe(other + 10);
    // No segment to ask about: Shopify is not asked.
    expect(app.double.callsTo("CustomerSegmentMembership")).toHaveLength(0);
  });

  it("an event for a segment multiplies the orders of customers Shopify says are in it", async () => {
    const segmentId = "gid://shopify/Segment/424242";
    app.double.shop(EVENTS).segments.push({ id: segmentId, name: "VIP list", query: "", customerIds: [7102] });
    await app.configureProgram(EVENTS, (program) => {
      program.earning.bonusEvents = [running({ name: "VIP days", multiplier: 2, segmentId })];
    });
    const [outside, inside] = [await balance(EVENTS, 7101), await balance(EVENTS, 7102)];
    expect((await paid(EVENTS, 9005, 7101, "10.00")).status).toBe(200);
    expect((await paid(EVENTS, 9006, 7102, "10.00")).status).toBe(200);
    expect(await balance(EVENTS, 7101)).toBe(outside + 10);
    expect(await balance(EVENTS, 7102)).toBe(inside + 20);
    expect(app.double.callsTo("CustomerSegmentMembership")).toHaveLength(2);
  });

  it("when Shopify cannot say in the webhook's budget, the order waits and is scored with the segment later", async () => {
    const before = await balance(EVENTS, 7102);
    app.double.failNext({ kind: "http", status: 503 }, { operationName: "CustomerSegmentMembership" });
    expect((await paid(EVENTS, 9007, 7102, "10.00")).status).toBe(200);
    expect(await balance(EVENTS, 7102)).toBe(before);
    expect((await scoreAwaitingOrders(app.prisma, new Date())).processed).toBe(1);
    expect(await balance(EVENTS, 7102)).toBe(before + 20);
  });

  it("a bonus event's start fires the Flow trigger once, naming its tiers and segment", async () => {
    await app.configureProgram(EVENTS, (program) => {
      program.earning.bonusEvents = [
        running({ tierIds: ["gold"] }),
        running({
          name: "Next week",
          startsAt: new Date(Date.now() + 7 * DAY).toISOString(),
          endsAt: new Date(Date.now() + 8 * DAY).toISOString(),
        }),
      ];
    });
    const event = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: EVENTS } }))
      .program as unknown as Program;
    const started = event.earning.bonusEvents[0]!;
    const now = new Date();
    expect((await announceStartedBonusEvents(app.prisma, now, EVENTS)).processed).toBe(1);
    expect((await announceStartedBonusEvents(app.prisma, new Date(now.getTime() + 60_000), EVENTS)).processed).toBe(0);
    await deliverFlowEvents(app.prisma, new Date(now.getTime() + 120_000));
    expect(flowEvents(EVENTS, "tally-bonus-event-started")).toEqual([
      {
        handle: "tally-bonus-event-started",
        payload: {
          "Event name": "Gold days",
          Multiplier: 3,
          "Starts at": new Date(started.startsAt).toISOString(),
          "Ends at": new Date(started.endsAt).toISOString(),
          Tiers: "Gold",
          Segment: "",
        },
      },
    ]);
  });
});
