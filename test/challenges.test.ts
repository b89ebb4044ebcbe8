import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { releaseChallengePrizes } from "~/loyalty/engagement/engagement.server";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload, webhookPayload } from "./support/webhook-fixtures";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";

// Challenges advance from signed orders/paid and refunds/create webhooks, as Shopify delivers them.
const SHOP = "challenges-shop.myshopify.com";
let app: TestApp;
let shopId: string;
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.earning.order.holdDays = 14;
    program.engagement.challenges = [
      {
        id: "come-back",
        name: "Come back soon",
        description: "Two orders within 30 days",
        translations: {},
        goal: { type: "orders", count: 2, withinDays: 30 },
        reward: { type: "points", points: 100 },
        badge: "comeback",
        startsAt: null,
        endsAt: null,
        repeatable: false,
        tierIds: [],
      },
      {
        id: "follower",
        name: "Follow us",
        description: "",
        translations: {},
        goal: { type: "actions", actionKey: "instagram", count: 1, withinDays: null },
        reward: { type: "points", points: 20 },
        badge: "heart",
        startsAt: null,
        endsAt: null,
        repeatable: false,
        tierIds: [],
      },
      {
        id: "big-spender",
        name: "Big spender",
        description: "",
        translations: {},
        goal: { type: "spend", amount: 500, withinDays: null },
        reward: { type: "reward", rewardId: "five-off" },
        badge: null,
        startsAt: null,
        endsAt: null,
        repeatable: false,
        tierIds: [],
      },
      {
        id: "three-months",
        name: "Three months in a row",
        description: "",
        translations: {},
        goal: { type: "streak", period: "month", count: 3 },
        reward: { type: "points", points: 250 },
        badge: "flame",
        startsAt: null,
        endsAt: null,
        repeatable: false,
        tierIds: [],
      },
    ];
    program.engagement.leaderboard = { enabled: true, size: 3 };
    program.earning.customActions = [
      {
        key: "instagram",
        name: "Follow us on Instagram",
        translations: {},
        points: 50,
        limitPerCustomer: 1,
        limitPerDay: null,
        claimable: true,
        url: "https://www.instagram.com/tally-test/",
        verifiedBy: null,
      },
    ];
    program.engagement.milestones = [
      { id: "regular", name: "Regular", translations: {}, metric: "orders", threshold: 2, badge: "star" },
    ];
  });
});
beforeAll(async () => {
  // The merchant has Flow workflows on both triggers.
  await app.prisma.shop.update({
    where: { id: shopId },
    data: { flowTriggersEnabled: ["tally-challenge-completed", "tally-badge-earned"] },
  });
});
afterAll(() => app?.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

const memberOf = (customerId: number) =>
  app.prisma.member.findUniqueOrThrow({
    where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(customerId) } },
  });
const paid = (id: number, customerId: number, processedAt: string, price = "40.00", lineItemId?: number) =>
  orderPayload("orders/paid", {
    id,
    customer: { id: customerId, email: `c${customerId}@example.com` },
    lines: [{ price, lineItemId }],
    processedAt,
  });
const challengeEntries = (memberId: string, challengeId: string) =>
  app.prisma.ledgerEntry.findMany({
    where: { memberId, sourceType: "challenge", sourceId: { startsWith: `${challengeId}:` } },
    orderBy: { createdAt: "asc" },
  });
const badgesOf = async (memberId: string) =>
  (await app.prisma.memberBadge.findMany({ where: { memberId }, orderBy: { badgeId: "asc" } })).map((b) => b.badgeId);

describe("a challenge of two paid orders within 30 days", () => {
  it("gives one 100-point reward, however the orders arrive: duplicated and in reverse", async () => {
    const first = paid(71001, 3001, daysAgo(20));
    const second = paid(71002, 3001, daysAgo(5));
    // The second order first, then both again, twice at once.
    expect((await app.webhook("orders/paid", SHOP, second)).status).toBe(200);
    await app.webhook("orders/paid", SHOP, second);
    await app.webhook("orders/paid", SHOP, first);
    await Promise.all([first, second, first].map((payload) => app.webhook("orders/paid", SHOP, payload)));

    const member = await memberOf(3001);
    const entries = await challengeEntries(member.id, "come-back");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      idempotencyKey: `challenge:come-back:${member.id}:0`,
      kind: "bonus",
      delta: 0n,
      pendingDelta: 100n,
    });
    // 40 + 40 order points and the challenge's 100, all within the 14-day hold of their orders…
    // except the first order's (placed 20 days ago): its 40 points are spendable.
    expect(member).toMatchObject({ balance: 40n, pending: 140n });
    const lot = await app.prisma.pointLot.findFirstOrThrow({
      where: { memberId: member.id, source: "challenge:come-back:0" },
    });
    // Available when the completing order's hold ends: its placedAt + 14 days.
    expect(
      Math.abs(lot.availableAt.getTime() - (Date.parse(second.processed_at as string) + 14 * DAY_MS)),
    ).toBeLessThan(1000);
    expect(await badgesOf(member.id)).toEqual(["challenge:come-back", "milestone:regular"]);
    expect(await app.prisma.challengeCompletion.count({ where: { memberId: member.id } })).toBe(1);
    // Flow hears of it once, in the transaction that completed it.
    const flow = await app.prisma.outboxTask.findMany({
      where: { topic: "flow_trigger", payload: { path: ["memberId"], equals: member.id } },
      orderBy: { key: "asc" },
    });
    expect(flow.map((task) => [task.key, (task.payload as { handle: string }).handle])).toEqual([
      [`flow:badge:${member.id}:challenge:come-back`, "tally-badge-earned"],
      [`flow:badge:${member.id}:milestone:regular`, "tally-badge-earned"],
      [`flow:challenge:come-back:${member.id}:0`, "tally-challenge-completed"],
    ]);
    expect((flow.find((task) => task.key.startsWith("flow:challenge:"))!.payload as { fields: object }).fields).toEqual(
      {
        "Challenge id": "come-back",
        "Challenge name": "Come back soon",
        Points: 100,
        Reward: "",
        "Discount code": "",
        "Points balance": 40,
      },
    );
  });

  it("orders further apart than 30 days complete nothing", async () => {
    await app.webhook("orders/paid", SHOP, paid(71011, 3002, daysAgo(50)));
    await app.webhook("orders/paid", SHOP, paid(71012, 3002, daysAgo(2)));
    const member = await memberOf(3002);
    expect(await challengeEntries(member.id, "come-back")).toHaveLength(0);
    expect(await badgesOf(member.id)).toEqual(["milestone:regular"]);
  });

  it("a full refund of the completing order during the hold takes the reward back; a new order earns it again", async () => {
    await app.webhook("orders/paid", SHOP, paid(71021, 3003, daysAgo(10)));
    await app.webhook("orders/paid", SHOP, paid(71022, 3003, daysAgo(3), "40.00", 881022));
    const completed = await memberOf(3003);
    expect(completed).toMatchObject({ balance: 0n, pending: 180n });

    const refund = refundPayload({ id: 72022, orderId: 71022, lines: [{ lineItemId: 881022, subtotal: "40.00" }] });
    await app.webhook("refunds/create", SHOP, refund);
    await app.webhook("refunds/create", SHOP, refund);
    const refunded = await memberOf(3003);
    expect(refunded).toMatchObject({ balance: 0n, pending: 40n });
    const entries = await challengeEntries(refunded.id, "come-back");
    expect(entries.map((entry) => [entry.idempotencyKey, entry.delta + entry.pendingDelta])).toEqual([
      [`challenge:come-back:${refunded.id}:0`, 100n],
      [`challenge:come-back:${refunded.id}:0:reverse`, -100n],
    ]);
    expect(await badgesOf(refunded.id)).toEqual([]);
    // Taken from the reward's own lot, not from the first order's held points.
    const lots = await app.prisma.pointLot.findMany({
      where: { memberId: refunded.id },
      orderBy: { createdAt: "asc" },
    });
    expect(lots.map((lot) => [lot.source, lot.remaining])).toEqual([
      ["order:71021", 40n],
      ["order:71022", 0n],
      ["challenge:come-back:0", 0n],
    ]);

    // Another order within the window completes it again, as a new cycle with its own key.
    await app.webhook("orders/paid", SHOP, paid(71023, 3003, daysAgo(1)));
    const again = await challengeEntries(refunded.id, "come-back");
    expect(again.map((entry) => entry.idempotencyKey)).toContain(`challenge:come-back:${refunded.id}:1`);
    expect(await memberOf(3003)).toMatchObject({ pending: 180n });
  });

  it("a refund after the reward's hold has passed keeps it", async () => {
    await app.webhook("orders/paid", SHOP, paid(71031, 3004, daysAgo(40)));
    await app.webhook("orders/paid", SHOP, paid(71032, 3004, daysAgo(30), "40.00", 881032));
    const member = await memberOf(3004);
    expect(await challengeEntries(member.id, "come-back")).toHaveLength(1);
    await app.webhook(
      "refunds/create",
      SHOP,
      refundPayload({ id: 72032, orderId: 71032, lines: [{ lineItemId: 881032, subtotal: "40.00" }] }),
    );
    expect(await challengeEntries(member.id, "come-back")).toHaveLength(1);
  });
});

describe("a streak of three months", () => {
  it("an order in three consecutive calendar months completes it, once", async () => {
    const now = new Date();
    const monthDay = (monthsBack: number) =>
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 1, 12)).toISOString();
    // Four months back, then a gap, then three in a row: the last three complete it.
    await app.webhook("orders/paid", SHOP, paid(71041, 3005, monthDay(5)));
    await app.webhook("orders/paid", SHOP, paid(71043, 3005, monthDay(2)));
    await app.webhook("orders/paid", SHOP, paid(71042, 3005, monthDay(3)));
    const member = await memberOf(3005);
    expect(await challengeEntries(member.id, "three-months")).toHaveLength(0);
    await app.webhook("orders/paid", SHOP, paid(71044, 3005, monthDay(1)));
    await app.webhook("orders/paid", SHOP, paid(71044, 3005, monthDay(1)));
    const entries = await challengeEntries(member.id, "three-months");
    expect(entries.map((entry) => [entry.idempotencyKey, entry.delta, entry.pendingDelta])).toEqual([
      [`challenge:three-months:${member.id}:0`, 250n, 0n],
    ]);
    expect(await badgesOf(member.id)).toContain("challenge:three-months");
  });
});

const proxyUrl = (path: string, customerId: number, extra: Record<string, string> = {}) =>
  `${app.url}/proxy${path}?${appProxyQuery({ shop: SHOP, customerId, extra }, TEST_API_SECRET)}`;
const memberApi = async (customerId: number, locale?: string) =>
  (
    await fetch(proxyUrl("/member", customerId, locale ? { locale } : {}), {
      headers: { "User-Agent": BROWSER_USER_AGENT },
    })
  ).json();
const chooseLeaderboard = (customerId: number, body: unknown, locale?: string) =>
  fetch(proxyUrl("/leaderboard", customerId, locale ? { locale } : {}), {
    method: "POST",
    headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

describe("the shopper's challenges, badges and leaderboard (GET /apps/tally/member)", () => {
  it("shows progress with the days left, the badges earned and next", async () => {
    await app.webhook("orders/paid", SHOP, paid(71051, 3006, daysAgo(18)));
    const view = await memberApi(3006);
    const comeBack = view.challenges.find((c: { id: string }) => c.id === "come-back");
    expect(comeBack).toMatchObject({
      name: "Come back soon",
      badge: "comeback",
      progress: { current: 1, target: 2, unit: "orders" },
      daysLeft: 12,
      completed: false,
      reward: { type: "points", points: 100 },
    });
    expect(view.badges).toEqual({
      earned: [],
      next: [{ id: "milestone:regular", name: "Regular", icon: "star", current: 1, target: 2 }],
    });
    expect(view.leaderboard).toMatchObject({ optedIn: false, nickname: null, top: [], you: null });
  });

  it("lists only shoppers who opted in, under their nickname or first name and initial; leaving removes them", async () => {
    const customers = [
      { id: 3101, firstName: "Ann", lastName: "Lee", price: "300.00" },
      { id: 3102, firstName: "Bo", lastName: "Ng", price: "200.00" },
      { id: 3103, firstName: "Cy", lastName: "Ro", price: "500.00" },
      { id: 3104, firstName: "Di", lastName: "Xu", price: "100.00" },
    ];
    for (const [index, customer] of customers.entries()) {
      await app.webhook(
        "orders/paid",
        SHOP,
        orderPayload("orders/paid", {
          id: 73001 + index,
          customer: {
            id: customer.id,
            email: `c${customer.id}@example.com`,
            firstName: customer.firstName,
            lastName: customer.lastName,
          },
          lines: [{ price: customer.price }],
        }),
      );
    }
    expect((await chooseLeaderboard(3101, { optIn: true })).status).toBe(200);
    expect(await (await chooseLeaderboard(3102, { optIn: true, nickname: "  Bo <b>" })).json()).toMatchObject({
      error: "invalid_nickname",
    });
    const refused = await chooseLeaderboard(3102, { optIn: true, nickname: "x" }, "fr");
    expect(refused.status).toBe(422);
    expect((await refused.json()).message).toContain("pseudo");
    expect(await (await chooseLeaderboard(3102, { optIn: true, nickname: " Speedy  Bo " })).json()).toEqual({
      optedIn: true,
      nickname: "Speedy Bo",
    });
    await chooseLeaderboard(3104, { optIn: true });
    // 3103 earned the most but never opted in: not shown.
    const board = (await memberApi(3104)).leaderboard;
    expect(board.top).toEqual([
      { rank: 1, name: "Ann L.", points: 300, you: false },
      { rank: 2, name: "Speedy Bo", points: 200, you: false },
      { rank: 3, name: "Di X.", points: 100, you: true },
    ]);
    expect(board).toMatchObject({ optedIn: true, you: { rank: 3, points: 100 } });
    expect(board.month).toBe(new Date().toISOString().slice(0, 7));

    expect(await (await chooseLeaderboard(3102, { optIn: false })).json()).toEqual({ optedIn: false, nickname: null });
    expect((await memberApi(3104)).leaderboard.top.map((row: { name: string }) => row.name)).toEqual([
      "Ann L.",
      "Di X.",
    ]);
    expect((await chooseLeaderboard(3101, { optIn: "yes" })).status).toBe(422);
  });

  it("customers/redact takes the shopper off the leaderboard and erases their nickname and badges", async () => {
    await app.webhook("orders/paid", SHOP, paid(73101, 3201, daysAgo(3), "60.00"));
    await app.webhook("orders/paid", SHOP, paid(73102, 3201, daysAgo(2), "60.00"));
    await chooseLeaderboard(3201, { optIn: true, nickname: "Redacted Rae" });
    const before = await memberOf(3201);
    expect(await badgesOf(before.id)).toEqual(["challenge:come-back", "milestone:regular"]);
    const payload = webhookPayload("customers/redact", {
      shop_domain: SHOP,
      customer: { id: 3201, email: "c3201@example.com", phone: "+33600000001" },
      orders_to_redact: [],
    });
    expect((await app.webhook("customers/redact", SHOP, payload)).status).toBe(200);
    const after = await app.prisma.member.findUniqueOrThrow({ where: { id: before.id } });
    expect(after).toMatchObject({ leaderboardOptIn: false, leaderboardName: null });
    expect(await badgesOf(before.id)).toEqual([]);
  });
});

describe("a challenge of custom actions", () => {
  it("a claimed action completes it at once, with no hold (no order to refund), once however often claimed", async () => {
    for (let i = 0; i < 3; i++) {
      const claimed = await fetch(proxyUrl("/actions/claim", 3301), {
        method: "POST",
        headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
        body: JSON.stringify({ action: "instagram" }),
      });
      expect(claimed.status).toBe(i ? 200 : 201);
    }
    const member = await memberOf(3301);
    expect(member).toMatchObject({ balance: 70n, pending: 0n });
    const entries = await challengeEntries(member.id, "follower");
    expect(entries.map((entry) => [entry.idempotencyKey, entry.delta])).toEqual([
      [`challenge:follower:${member.id}:0`, 20n],
    ]);
    expect(await badgesOf(member.id)).toEqual(["challenge:follower"]);
  });
});

describe("a challenge whose reward is from the catalog", () => {
  const prizesOf = (memberId: string) => app.prisma.redemption.findMany({ where: { memberId } });
  const inDays = (days: number) => new Date(Date.now() + days * DAY_MS);

  it("gives the code at once when the completing order's hold is over, once", async () => {
    const big = paid(71061, 3401, daysAgo(20), "600.00");
    await app.webhook("orders/paid", SHOP, big);
    await app.webhook("orders/paid", SHOP, big);
    const member = await memberOf(3401);
    const prize = await prizesOf(member.id);
    expect(prize).toEqual([
      expect.objectContaining({
        requestKey: `challenge:big-spender:${member.id}:0`,
        rewardId: "five-off",
        pointsSpent: 0n,
      }),
    ]);
    expect(await app.prisma.outboxTask.count({ where: { key: `redemption:${prize[0]!.id}:create` } })).toBe(1);
    await releaseChallengePrizes(app.prisma, inDays(30));
    expect(await prizesOf(member.id)).toHaveLength(1);
  });

  it("holds the code while the order may be returned, then gives it once", async () => {
    await app.webhook("orders/paid", SHOP, paid(71062, 3402, daysAgo(1), "600.00"));
    const member = await memberOf(3402);
    expect(await prizesOf(member.id)).toEqual([]);
    await releaseChallengePrizes(app.prisma, new Date());
    expect(await prizesOf(member.id)).toEqual([]);
    // The 14-day hold ends 13 days from now; the job gives it then, and only once.
    await releaseChallengePrizes(app.prisma, inDays(14));
    await releaseChallengePrizes(app.prisma, inDays(15));
    expect(await prizesOf(member.id)).toEqual([
      expect.objectContaining({ requestKey: `challenge:big-spender:${member.id}:0`, rewardId: "five-off" }),
    ]);
  });

  it("a refund during the hold undoes the completion: no code is ever given", async () => {
    await app.webhook("orders/paid", SHOP, paid(71063, 3403, daysAgo(1), "600.00", 881063));
    await app.webhook(
      "refunds/create",
      SHOP,
      refundPayload({ id: 72063, orderId: 71063, lines: [{ lineItemId: 881063, subtotal: "600.00" }] }),
    );
    const member = await memberOf(3403);
    const completion = await app.prisma.challengeCompletion.findFirstOrThrow({
      where: { memberId: member.id, challengeId: "big-spender" },
    });
    expect(completion.reversedAt).not.toBeNull();
    await releaseChallengePrizes(app.prisma, inDays(30));
    expect(await prizesOf(member.id)).toEqual([]);
  });
});

describe("a challenge to buy from a collection", () => {
  // Product 632910392 (the fixture's) is in collection 841; product 632910393 is in none.
  const IN_SUMMER = 632910392;
  const ELSEWHERE = 632910393;
  beforeAll(async () => {
    app.double.shop(SHOP).products = [
      { id: IN_SUMMER, tags: [], productType: "Shirts", collectionIds: [841] },
      { id: ELSEWHERE, tags: [], productType: "Shirts", collectionIds: [] },
    ];
    await app.configureProgram(SHOP, (program) => {
      program.engagement.challenges.push({
        id: "summer",
        name: "Summer collection",
        description: "",
        translations: {},
        goal: { type: "products", productIds: [], collectionIds: ["841"], count: 2, withinDays: null },
        reward: { type: "points", points: 30 },
        badge: "leaf",
        startsAt: null,
        endsAt: null,
        repeatable: false,
        tierIds: [],
      });
    });
  });

  it("counts the lines whose product Shopify says is in the collection, and completes once", async () => {
    const order = (id: number, productId: number) =>
      orderPayload("orders/paid", {
        id,
        customer: { id: 3101, email: "c3101@example.com" },
        lines: [{ price: "10.00", productId }],
        processedAt: daysAgo(1),
      });
    await app.webhook("orders/paid", SHOP, order(71101, IN_SUMMER));
    await app.webhook("orders/paid", SHOP, order(71102, ELSEWHERE));
    const member = await memberOf(3101);
    expect(await challengeEntries(member.id, "summer")).toHaveLength(0);
    await app.webhook("orders/paid", SHOP, order(71103, IN_SUMMER));
    await app.webhook("orders/paid", SHOP, order(71103, IN_SUMMER));
    expect((await challengeEntries(member.id, "summer")).map((entry) => entry.pendingDelta)).toEqual([30n]);
  });
});

describe("when Shopify merges two customers", () => {
  it("the kept customer carries the merged one's completions and badges: the same orders never complete a challenge twice", async () => {
    // 3601 completed "Come back soon"; 3602 has one order of their own.
    await app.webhook("orders/paid", SHOP, paid(71201, 3601, daysAgo(12)));
    await app.webhook("orders/paid", SHOP, paid(71202, 3601, daysAgo(10)));
    await app.webhook("orders/paid", SHOP, paid(71203, 3602, daysAgo(40)));
    const merged = await memberOf(3601);
    expect(await challengeEntries(merged.id, "come-back")).toHaveLength(1);

    const merge = webhookPayload("customers/merge", {
      admin_graphql_api_customer_kept_id: "gid://shopify/Customer/3602",
      admin_graphql_api_customer_deleted_id: "gid://shopify/Customer/3601",
      status: "completed",
      errors: [],
    });
    expect((await app.webhook("customers/merge", SHOP, merge)).status).toBe(200);
    // The kept customer orders again: their facts now hold the merged orders too.
    await app.webhook("orders/paid", SHOP, paid(71204, 3602, daysAgo(1)));

    const kept = await memberOf(3602);
    expect(await challengeEntries(kept.id, "come-back")).toHaveLength(0);
    expect(await app.prisma.challengeCompletion.count({ where: { memberId: kept.id, challengeId: "come-back" } })).toBe(
      1,
    );
    expect(await badgesOf(kept.id)).toEqual(expect.arrayContaining(["challenge:come-back", "milestone:regular"]));
    expect(await badgesOf(merged.id)).toEqual([]);
  });
});
