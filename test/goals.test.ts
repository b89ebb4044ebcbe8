import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Goal } from "~/loyalty/program/program";
import { goalsProgress, programInsights } from "~/loyalty/reports/goals.server";
import { loadShop } from "~/loyalty/program/program.server";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

// Program goals and insights (issue 25, docs/goals.md) on a small known population: its orders sent
// as Shopify's signed webhooks, a redemption through the app proxy, join dates and one member's lot
// expiries set in the database. Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.

const SHOP = "goals-shop.myshopify.com";
const OTHER_SHOP = "goals-other.myshopify.com";
const DAY = 86_400_000;
const NOW = Date.now();
const daysFromNow = (days: number) => new Date(NOW + days * DAY).toISOString();

const GOALS: Goal[] = [
  { id: "repeat", metric: "repeat_rate", target: 4000, startsAt: daysFromNow(-10), endsAt: daysFromNow(20) },
  { id: "redemption", metric: "redemption_rate", target: 5000, startsAt: daysFromNow(-10), endsAt: daysFromNow(20) },
  { id: "share", metric: "member_revenue_share", target: 9000, startsAt: daysFromNow(-10), endsAt: daysFromNow(20) },
  { id: "past", metric: "repeat_rate", target: 1000, startsAt: daysFromNow(-40), endsAt: daysFromNow(-12) },
  { id: "later", metric: "redemption_rate", target: 1000, startsAt: daysFromNow(5), endsAt: daysFromNow(35) },
];

let app: TestApp;
let shopId = "";
let nextOrder = 95_000;

const pay = async (
  shop: string,
  customer: number | null,
  daysAgo: number,
  price: string,
  options: { test?: boolean; id?: number } = {},
) => {
  const payload = orderPayload("orders/paid", {
    id: options.id ?? nextOrder++,
    customer: customer ? { id: customer, email: `c${customer}@example.com` } : null,
    email: customer ? undefined : `guest${nextOrder}@example.com`,
    lines: [{ price }],
    processedAt: daysFromNow(-daysAgo),
    test: options.test,
  });
  expect((await app.webhook("orders/paid", shop, payload)).status).toBe(200);
};

const redeem = (shop: string, customerId: number) =>
  fetch(`${app.url}/proxy/redemptions?${appProxyQuery({ shop, customerId }, TEST_API_SECRET)}`, {
    method: "POST",
    headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
    body: JSON.stringify({ rewardId: "five-off" }),
  });

/** The member's join date, as if Tally had enrolled the customer then. */
const joined = async (customer: number, daysAgo: number) => {
  const updated = await app.prisma.$executeRaw`
    UPDATE "Member" SET "createdAt" = ${new Date(daysFromNow(-daysAgo))}
     WHERE "shopId" = ${shopId} AND "shopifyCustomerId" = ${String(customer)}`;
  expect(updated).toBe(1);
};

beforeAll(async () => {
  app = await startTestApp();
  for (const shop of [SHOP, OTHER_SHOP]) {
    await app.installShop(shop);
    await app.configureProgram(shop, (program) => {
      program.earning.order.holdDays = 0;
      // Every point expires 25 days after it is earned: all of them within the next 30 days.
      program.expiry = { mode: "fixed", days: 25, remindDaysBefore: [] };
      program.accounting.goals = GOALS;
    });
  }
  shopId = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id;
  // In the goals' window (the last 10 days), 1 point per euro:
  await pay(SHOP, 1, 5, "400.00"); // C1: two orders, 700 points, 500 redeemed below
  await pay(SHOP, 1, 3, "300.00");
  await pay(SHOP, 2, 4, "150.00"); // C2: one order
  await pay(SHOP, 3, 6, "100.00"); // C3: three orders, 250 points
  await pay(SHOP, 3, 5, "100.00");
  await pay(SHOP, 3, 2, "50.00");
  await pay(SHOP, 4, 20, "80.00"); // C4: one order before the window, one in it
  await pay(SHOP, 4, 4, "120.00");
  await pay(SHOP, 5, 8, "60.00"); // C5: one order before joining (6 days ago), one after
  await pay(SHOP, 5, 5, "40.00");
  await pay(SHOP, 6, 15, "90.00"); // C6: one order before the window only
  await pay(SHOP, null, 3, "300.00"); // a guest's order: in the revenue, never a member's
  // Counted nowhere: a test order, a cancelled order, another shop's order.
  await pay(SHOP, 2, 2, "999.00", { test: true });
  await pay(SHOP, 3, 1, "70.00", { id: 95_999 });
  const cancelled = orderPayload("orders/cancelled", {
    id: 95_999,
    customer: { id: 3, email: "c3@example.com" },
    lines: [{ price: "70.00" }],
    processedAt: daysFromNow(-1),
  });
  expect((await app.webhook("orders/cancelled", SHOP, cancelled)).status).toBe(200);
  await pay(OTHER_SHOP, 1, 3, "5000.00");
  expect((await redeem(OTHER_SHOP, 1)).status).toBe(201);

  expect((await redeem(SHOP, 1)).status).toBe(201); // C1: 700 → 200
  for (const customer of [1, 2, 3, 4, 6]) await joined(customer, 30);
  await joined(5, 6);
  // C3's points expire later than the next 30 days.
  await app.prisma.$executeRaw`
    UPDATE "PointLot" SET "expiresAt" = ${new Date(daysFromNow(40))}
     WHERE "memberId" = (SELECT id FROM "Member" WHERE "shopId" = ${shopId} AND "shopifyCustomerId" = '3')`;
}, 120_000);
afterAll(async () => {
  await app?.close();
});

const progress = async () => {
  const { program } = await loadShop(app.prisma, shopId);
  const figures = await goalsProgress(app.prisma, shopId, program.accounting.goals, "EUR", new Date());
  return Object.fromEntries(figures.map((figure) => [figure.goal.id, figure]));
};

describe("program goals", () => {
  it("repeat rate: members with two orders or more in the window among members with one", async () => {
    // C1, C2, C3, C4 and C5 (after joining) ordered in the window; C1 and C3 twice or more.
    expect((await progress()).repeat).toMatchObject({ value: 2 / 5, progress: 1, status: "reached" });
  });

  it("redemption rate: points redeemed ÷ issued in the window, by the accounting's classification", async () => {
    // Issued: 700 + 150 + 250 + 200 + 100 + 90, and the cancelled order's 70 (taken back: reversed, not un-issued).
    const redemption = (await progress()).redemption!;
    expect(redemption.value).toBe(500 / 1560);
    expect(redemption.progress).toBeCloseTo(500 / 1560 / 0.5, 12);
    // A third of the dates gone, 64% of the target: on track.
    expect(redemption.elapsed).toBeCloseTo(1 / 3, 3);
    expect(redemption.status).toBe("on_track");
  });

  it("member revenue share: members' paid amount ÷ everyone's, guests and pre-joining orders included below", async () => {
    // Members: 700 + 150 + 250 + 120 + 40; everyone: that, C5's 60 before joining and the guest's 300.
    expect((await progress()).share).toMatchObject({ value: 1260 / 1620, status: "on_track" });
  });

  it("a goal that ended short is missed; one not begun is scheduled", async () => {
    const figures = await progress();
    // C4 (20 days ago) and C6 (15 days ago) ordered once each in the past goal's dates.
    expect(figures.past).toMatchObject({ value: 0, progress: 0, elapsed: 1, status: "missed" });
    expect(figures.later).toMatchObject({ value: null, progress: null, elapsed: 0, status: "scheduled" });
  });

  it("is empty without goals", async () => {
    expect(await goalsProgress(app.prisma, shopId, [], "EUR", new Date())).toEqual([]);
  });
});

describe("insights", () => {
  it("state the reachable reward, the members who never redeemed and the points about to expire", async () => {
    const { program } = await loadShop(app.prisma, shopId);
    // Balances: C1 200, C2 150, C3 250, C4 200, C5 100, C6 90 → median (percentile_disc) 150;
    // the cheapest reward costs 500; a 100-point reward is within reach of 5 of 6.
    expect(await programInsights(app.prisma, shopId, program, new Date())).toEqual([
      {
        kind: "reachable_reward",
        cheapestPoints: 500,
        medianBalance: 150,
        suggestedPoints: 100,
        reachableShare: 5 / 6,
      },
      { kind: "never_redeemed", members: 5, share: 5 / 6 },
      // All but C3's 250 points expire within 30 days.
      { kind: "expiring_points", points: 740, members: 5, days: 30 },
    ]);
  });

  it("says nothing of another shop's members", async () => {
    const other = await app.prisma.shop.findUniqueOrThrow({ where: { domain: OTHER_SHOP } });
    const { program } = await loadShop(app.prisma, other.id);
    // One member: too few for a median or a share; their 4500 points expire within 30 days.
    expect(await programInsights(app.prisma, other.id, program, new Date())).toEqual([
      { kind: "expiring_points", points: 4500, members: 1, days: 30 },
    ]);
  });
});

describe("saving goals", () => {
  it("refuses a 0% target or an end before the start through the program's validation, and writes nothing", async () => {
    const before = await app.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
    const { program, revision } = (await (await app.admin("/api/program", SHOP)).json()) as {
      program: { accounting: { goals: Goal[] } };
      revision: number;
    };
    for (const bad of [
      { ...GOALS[0]!, target: 0 },
      { ...GOALS[0]!, endsAt: daysFromNow(-20) },
    ]) {
      program.accounting.goals = [bad];
      const response = await app.admin("/app/goals.data", SHOP, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ program, revision }),
      });
      expect(response.status).toBe(422);
      const decoded = (await decode(response.body!)).value as { data?: { issues: { path: string }[] } };
      const issues = decoded.data?.issues ?? [];
      expect(issues.map((issue) => issue.path)).toEqual([
        bad.target === 0 ? "accounting.goals.0.target" : "accounting.goals.0.endsAt",
      ]);
    }
    const after = await app.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
    expect(after.programRevision).toBe(before.programRevision);
    expect((await loadShop(app.prisma, shopId)).program.accounting.goals).toEqual(GOALS);
  });
});
