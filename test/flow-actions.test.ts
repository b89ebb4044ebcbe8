import { decode } from "turbo-stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deliverOutbox, creditStoreCredits } from "~/jobs/outbox.server";
import { reevaluateAllTiers } from "~/jobs/points.server";
import { FLOW_TRIGGERS } from "~/loyalty/points/flow-triggers";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import type { Program } from "~/loyalty/program/program";
import { DEMO_STORE_CREDIT_REWARD } from "../sandbox/demo-seed";
import { flowActionRequest, type FlowActionRun } from "../sandbox/flow-actions";
import { TEST_API_SECRET } from "./support/constants";
import { ON_POSTGRES } from "./support/database";
import { startTestApp, type TestApp } from "./support/test-app";

/** Shopify Flow runs Tally's actions (issue 20, part 1): the sandbox plays Flow, as it documents its requests. */

const SHOP = "flow-actions.myshopify.com";
const DAY = 86_400_000;
let app: TestApp;
let shopId: string;

beforeAll(async () => {
  app = await startTestApp();
  // The customer store credit is given to exists in Shopify.
  await app.installShop(SHOP, {
    customers: [
      {
        id: 8021,
        email: "c8021@example.com",
        firstName: "Credit",
        lastName: "Given",
        phone: null,
        tags: [],
        createdAt: "2026-01-01T00:00:00Z",
        numberOfOrders: 0,
        amountSpent: "0.00",
      },
    ],
  });
  shopId = await app.configureProgram(SHOP, (program) => {
    program.earning.customActions = [
      {
        key: "review",
        name: "Write a review",
        points: 40,
        limitPerCustomer: 2,
        limitPerDay: null,
        claimable: false,
        url: null,
        verifiedBy: null,
      },
    ];
    program.earning.flowActions = { maxPointsPerCustomerPerDay: 500 };
    program.tiers = {
      ...program.tiers,
      levels: [
        { id: "silver", name: "Silver", threshold: 100, earnMultiplier: 1, entryBonusPoints: 0 },
        { id: "gold", name: "Gold", threshold: 1000, earnMultiplier: 1, entryBonusPoints: 0 },
      ],
    };
    program.rewards.push({ ...DEMO_STORE_CREDIT_REWARD, id: "credit", minPoints: 500 } as Program["rewards"][number]);
  });
  // Workflows on the tier trigger: a comp's moves fire it as any tier change does.
  await app.prisma.shop.update({
    where: { id: shopId },
    data: { flowTriggersEnabled: [FLOW_TRIGGERS.tierChanged.handle] },
  });
});
afterAll(() => app?.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
  app.double.reset();
});

const run = async (handle: string, properties: Record<string, unknown>, options: Partial<FlowActionRun> = {}) => {
  const request = flowActionRequest(app.url, { shop: SHOP, handle, properties, ...options }, TEST_API_SECRET);
  const response = await fetch(request.url, request.init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const award = (customerId: number, properties: Record<string, unknown>, options: Partial<FlowActionRun> = {}) =>
  run("tally-award-points", { customer_id: String(customerId), ...properties }, options);
const memberOf = (customerId: number) =>
  app.prisma.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(customerId) } },
  });
const balanceOf = async (customerId: number) => Number((await memberOf(customerId))?.balance ?? 0);
const entriesOf = async (customerId: number) =>
  app.prisma.ledgerEntry.findMany({
    where: { shopId, member: { shopifyCustomerId: String(customerId) } },
    orderBy: { createdAt: "asc" },
  });

describe("Award loyalty points", () => {
  it("a run Flow delivers three times awards once, keyed by its action run id", async () => {
    const actionRunId = crypto.randomUUID();
    for (let i = 0; i < 3; i++) {
      const { status } = await award(8001, { points: 50, reason: "Wrote a review" }, { actionRunId });
      expect(status).toBe(200);
    }
    expect(await balanceOf(8001)).toBe(50);
    const [entry, ...more] = await entriesOf(8001);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      kind: "bonus",
      sourceType: "flow",
      idempotencyKey: `flow:${actionRunId}`,
      reason: "Wrote a review",
    });
    expect(await app.prisma.flowActionRun.count({ where: { shopId, runId: actionRunId } })).toBe(1);
    // The shopper reads the workflow's reason in their activity.
    const activity = await (await app.proxy("/member/activity", { shop: SHOP, customerId: 8001 })).json();
    expect(activity.entries.map((entry: { description: string }) => entry.description)).toEqual([
      "Bonus: Wrote a review",
    ]);
  });

  it.skipIf(!ON_POSTGRES)("on PostgreSQL: a run delivered concurrently awards once", async () => {
    const actionRunId = crypto.randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => award(8002, { points: 30, reason: "Concurrent" }, { actionRunId })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    expect(await balanceOf(8002)).toBe(30);
    expect(await entriesOf(8002)).toHaveLength(1);
  });

  it("refuses invalid fields with a 400 whose message Flow shows the merchant, writing nothing", async () => {
    const runs = () => app.prisma.flowActionRun.count({ where: { shopId, handle: "tally-award-points" } });
    const runsBefore = await runs();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ points: 0, reason: "Zero" }, /Points must be a whole number/],
      [{ points: "12.5", reason: "Half" }, /Points must be a whole number/],
      [{ points: 10 }, /Reason is required/],
      [{ points: 10, reason: "x".repeat(201) }, /at most 200 characters/],
      [{ action: "follow" }, /No action "follow" in the program\. Its actions: review/],
      [{ action: "review", points: 10 }, /either Points or an Action/],
    ];
    for (const [properties, message] of cases) {
      const { status, body } = await award(8003, properties);
      expect([status, body.error]).toEqual([400, "invalid_properties"]);
      expect(body.message).toMatch(message);
    }
    const { status, body } = await run("tally-award-points", { points: 10, reason: "No customer" });
    expect([status, body.message]).toEqual([400, expect.stringMatching(/Customer is missing/)]);
    expect(await memberOf(8003)).toBeNull();
    // In the shop's language, as its workflows are written.
    await app.prisma.shop.update({ where: { id: shopId }, data: { language: "fr" } });
    try {
      const french = await award(8003, { points: 10 });
      expect(french.body.message).toBe("La raison est obligatoire : le client la lit dans son historique de points.");
    } finally {
      await app.prisma.shop.update({ where: { id: shopId }, data: { language: "en" } });
    }
    expect(await runs()).toBe(runsBefore);
  });

  it("names an action of the program: its points and limits apply", async () => {
    for (let i = 0; i < 2; i++) {
      const { status, body } = await award(8004, { action: "review" });
      expect([status, body.points]).toEqual([200, 40]);
    }
    // limitPerCustomer: 2.
    const third = await award(8004, { action: "review" });
    expect([third.status, third.body.error]).toEqual([422, "limit_reached"]);
    expect(await balanceOf(8004)).toBe(80);
    expect((await entriesOf(8004)).map((entry) => [entry.kind, entry.sourceId])).toEqual([
      ["action", "review"],
      ["action", "review"],
    ]);
  });

  it("stops at the program's daily limit for awards without an action, with a 4xx and nothing written", async () => {
    expect((await award(8005, { points: 300, reason: "First" })).status).toBe(200);
    expect((await award(8005, { points: 200, reason: "Second" })).status).toBe(200);
    const over = await award(8005, { points: 1, reason: "One too many" });
    expect([over.status, over.body.error]).toEqual([422, "daily_limit_reached"]);
    expect(over.body.message).toMatch(/500 of at most 500/);
    expect(await balanceOf(8005)).toBe(500);
    // An action has its own limits, not the daily one.
    expect((await award(8005, { action: "review" })).status).toBe(200);
    expect(await balanceOf(8005)).toBe(540);
  });

  it("refuses a forged signature with 401 and writes nothing", async () => {
    const request = flowActionRequest(
      app.url,
      { shop: SHOP, handle: "tally-award-points", properties: { customer_id: "8006", points: 10, reason: "Forged" } },
      "not-the-app-secret",
    );
    const response = await fetch(request.url, request.init);
    expect([response.status, await response.json()]).toEqual([401, { error: "invalid_signature" }]);
    const unsigned = await fetch(request.url, {
      ...request.init,
      headers: { ...request.init.headers, "X-Shopify-Hmac-Sha256": "" },
    });
    expect(unsigned.status).toBe(401);
    expect(await memberOf(8006)).toBeNull();
    expect(await app.prisma.flowActionRun.count({ where: { runId: request.actionRunId } })).toBe(0);
  });

  it("answers a shop without Tally with a 404 Flow shows, and an unknown action with a 404", async () => {
    const request = flowActionRequest(
      app.url,
      { shop: "stranger.myshopify.com", handle: "tally-award-points", properties: { customer_id: "1", points: 1 } },
      TEST_API_SECRET,
    );
    const response = await fetch(request.url, request.init);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: "shop_not_installed", message: expect.any(String) });
    const other = await fetch(`${app.url}/flow/actions/tally-launch-rocket`, request.init);
    expect(other.status).toBe(404);
  });
});

describe("Deduct loyalty points", () => {
  it("takes points with the workflow's reason, once per run", async () => {
    await award(8010, { points: 100, reason: "Start" });
    const actionRunId = crypto.randomUUID();
    for (let i = 0; i < 2; i++) {
      const { status, body } = await run(
        "tally-deduct-points",
        { customer_id: "8010", points: 60, reason: "Review removed" },
        { actionRunId },
      );
      expect(status).toBe(200);
      if (i === 0) expect(body.balance).toBe(40);
    }
    expect(await balanceOf(8010)).toBe(40);
    expect((await entriesOf(8010)).at(-1)).toMatchObject({
      kind: "adjust",
      sourceType: "flow",
      delta: -60n,
      reason: "Review removed",
      idempotencyKey: `flow:${actionRunId}`,
    });
  });

  it("refuses more than the balance with a 4xx, writing nothing (not even a member)", async () => {
    await award(8011, { points: 20, reason: "Start" });
    const before = await entriesOf(8011);
    const { status, body } = await run("tally-deduct-points", { customer_id: "8011", points: 21, reason: "Too much" });
    expect([status, body.error]).toEqual([422, "insufficient_points"]);
    expect(body.message).toMatch(/has 20 points/);
    expect(await entriesOf(8011)).toEqual(before);
    const stranger = await run("tally-deduct-points", { customer_id: "8012", points: 1, reason: "Nobody" });
    expect(stranger.status).toBe(422);
    expect(await memberOf(8012)).toBeNull();
  });
});

describe("Give loyalty reward", () => {
  it("gives a discount code at no cost, which the outbox creates in Shopify", async () => {
    const actionRunId = crypto.randomUUID();
    const first = await run("tally-give-reward", { customer_id: "8020", reward: "five-off" }, { actionRunId });
    expect(first.status).toBe(200);
    const again = await run("tally-give-reward", { customer_id: "8020", reward: "five-off" }, { actionRunId });
    expect(again.status).toBe(200);
    const redemptions = await app.prisma.redemption.findMany({
      where: { shopId, member: { shopifyCustomerId: "8020" } },
    });
    expect(redemptions).toHaveLength(1);
    expect(redemptions[0]).toMatchObject({ rewardId: "five-off", pointsSpent: 0n, status: "pending" });
    expect(first.body.code).toBe(redemptions[0]!.code);

    await deliverOutbox(app.prisma, new Date(Date.now() + 60_000));
    const [discount] = app.double.shop(SHOP).discounts.filter((d) => d.code === redemptions[0]!.code);
    expect(discount).toBeDefined();
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id: redemptions[0]!.id } })).status).toBe(
      "active",
    );
    expect(await balanceOf(8020)).toBe(0);
  });

  it("gives store credit, which Flow may give though a birthday cannot: the reward's smallest amount", async () => {
    const { status } = await run("tally-give-reward", { customer_id: "8021", reward: "credit" });
    expect(status).toBe(200);
    await creditStoreCredits(app.prisma, new Date(Date.now() + 60_000));
    const credits = app.double
      .shop(SHOP)
      .storeCreditAccounts.filter((account) => account.customerId === 8021)
      .flatMap((account) => account.credits);
    expect(credits).toEqual([expect.objectContaining({ amount: 500 })]);
  });

  it("refuses an unknown reward, and store credit while Shopify has it off, writing nothing", async () => {
    const unknown = await run("tally-give-reward", { customer_id: "8022", reward: "yacht" });
    expect([unknown.status, unknown.body.message]).toEqual([
      400,
      expect.stringMatching(/No reward "yacht".*five-off, credit/),
    ]);
    await app.prisma.shop.update({ where: { id: shopId }, data: { storeCreditEnabled: false } });
    try {
      const off = await run("tally-give-reward", { customer_id: "8022", reward: "credit" });
      expect([off.status, off.body.error]).toEqual([422, "store_credit_unavailable"]);
    } finally {
      await app.prisma.shop.update({ where: { id: shopId }, data: { storeCreditEnabled: true } });
    }
    expect(await memberOf(8022)).toBeNull();
  });
});

describe("Set VIP tier until date", () => {
  it("gives the tier now, keeps it through evaluations until the date, then drops to the earned tier by the normal path", async () => {
    await award(8030, { points: 150, reason: "Earned Silver" });
    expect((await memberOf(8030))!.tierId).toBe("silver");
    const until = new Date(Date.now() + 10 * DAY);
    const day = until.toISOString().slice(0, 10);
    const { status, body } = await run("tally-set-vip-tier", { customer_id: "8030", tier: "Gold", until: day });
    expect([status, body.tierId]).toEqual([200, "gold"]);
    const comped = (await memberOf(8030))!;
    expect(comped).toMatchObject({ tierId: "gold", compTierId: "gold", earnedTierId: "silver" });
    // Through the end of that day, UTC.
    expect(comped.compTierUntil!.toISOString()).toBe(`${day}T00:00:00.000Z`.replace(day, nextDay(day)));

    // The member page shows it, with its end.
    const response = await app.admin(`/app/members/${comped.id}.data`, SHOP);
    const loaded = (await decode(response.body!)).value as Record<
      string,
      { data: { member: Record<string, unknown> } }
    >;
    const shown = Object.values(loaded).find((route) => route?.data?.member)!.data.member;
    expect(shown.tier).toEqual({ id: "gold", name: "Gold" });
    expect(shown.compTier).toEqual({ id: "gold", name: "Gold", until: comped.compTierUntil });

    // Evaluations before the date keep it; an award meanwhile changes nothing about it.
    await reevaluateAllTiers(app.prisma, new Date(Date.now() + 5 * DAY), SHOP);
    await award(8030, { points: 10, reason: "More" });
    expect((await memberOf(8030))!.tierId).toBe("gold");

    // After the date: Silver again, recorded as any tier change is (history, Flow trigger, tag sync).
    await reevaluateAllTiers(app.prisma, new Date(until.getTime() + 2 * DAY), SHOP);
    const after = (await memberOf(8030))!;
    expect(after).toMatchObject({ tierId: "silver", compTierId: null, compTierUntil: null, earnedTierId: null });
    const changes = await app.prisma.tierChange.findMany({
      where: { memberId: after.id },
      orderBy: { createdAt: "asc" },
    });
    expect(changes.map((change) => [change.fromTierId, change.toTierId, change.cause])).toEqual([
      [null, "silver", "earn"],
      ["silver", "gold", "comp"],
      ["gold", "silver", "period"],
    ]);
    const events = await app.prisma.outboxTask.findMany({ where: { shopId, topic: "flow_trigger" } });
    expect(
      events.filter((task) => (task.payload as { memberId?: string }).memberId === after.id).length,
    ).toBeGreaterThanOrEqual(3);
    expect(await app.prisma.outboxTask.count({ where: { shopId, topic: "sync_member" } })).toBeGreaterThan(0);
  });

  it("a comp below the earned tier changes nothing; a tier is found by id or name; bad dates are 400s", async () => {
    await award(8031, { points: 150, reason: "Silver" });
    const lower = await run("tally-set-vip-tier", {
      customer_id: "8031",
      tier: "silver",
      until: new Date(Date.now() + DAY).toISOString(),
    });
    expect([lower.status, lower.body.tierId]).toEqual([200, "silver"]);
    for (const [properties, message] of [
      [{ tier: "Platinum", until: "2099-01-01" }, /No VIP tier "Platinum".*Silver, Gold/],
      [{ tier: "Gold", until: "2020-01-01" }, /in the future/],
      [{ tier: "Gold", until: "2027-02-30" }, /Until must be a date/],
      [{ tier: "Gold", until: "next week" }, /Until must be a date/],
    ] as const) {
      const { status, body } = await run("tally-set-vip-tier", { customer_id: "8031", ...properties });
      expect([status, body.message]).toEqual([400, expect.stringMatching(message)]);
    }
  });
});

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
}
