import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { inTransaction } from "~/db/transaction.server";
import {
  eraseEmailFromCampaigns,
  getCampaign,
  runCampaigns,
  sendCampaignBatch,
} from "~/loyalty/campaigns/campaigns.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { loadShop } from "~/loyalty/program/program.server";
import { appProxyQuery } from "../sandbox/app-proxy-signature";
import { mintSessionToken } from "../sandbox/signing";
import type { DoubleCustomer } from "../sandbox/admin-api-double";
import { DEMO_CAMPAIGN, DEMO_SEGMENT, seedDemoCampaign, seedDemoShop } from "../sandbox/demo-seed";
import { SANDBOX_CUSTOMERS } from "../sandbox/sandbox-shop";
import { ON_POSTGRES } from "./support/database";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "campaigns-shop.myshopify.com";
const MEMBERS = 10_000;
const VIP_SEGMENT = "gid://shopify/Segment/900001";
let app: TestApp;
let shopId: string;
/** One pass of the job with time enough to finish what it starts on a slow machine. */
const runJob = (limits: { maxBatches?: number } = {}, now = new Date()) =>
  runCampaigns(app.prisma, now, { sleep: async () => {} }, { budgetMs: 600_000, ...limits });

beforeAll(async () => {
  app = await startTestApp();
  // Plus: a segment of 600 is read in pages that a standard bucket would make wait.
  await app.installShop(SHOP, { plan: "plus" });
  shopId = await app.configureProgram(SHOP, (program) => {
    program.expiry = { mode: "inactivity", days: 365, remindDaysBefore: [] };
    program.tiers = {
      ...program.tiers,
      levels: [{ id: "gold", name: "Gold", threshold: 500, earnMultiplier: 2, entryBonusPoints: 0 }],
    };
  });
  // 10,000 members: customer ids 1..10000; every tenth is Gold, balances 0..99, the first 100 long inactive.
  await app.prisma.$executeRaw`
    INSERT INTO "Member" (id, "shopId", "shopifyCustomerId", email, balance, "tierId", "lastEarnedAt", "createdAt", "updatedAt")
    SELECT 'm' || lpad(i::text, 6, '0'), ${shopId}, i::text, 'shopper' || i || '@example.com', 0,
           CASE WHEN i % 10 = 0 THEN 'gold' END,
           CASE WHEN i <= 100 THEN now() - interval '400 days' ELSE now() END,
           now() - interval '500 days', now()
      FROM generate_series(1, ${MEMBERS}) AS i`;
  // Balances through the ledger, so the reconciliation check holds: i % 100 points each.
  await app.prisma.$executeRaw`
    INSERT INTO "LedgerEntry" (id, "shopId", "memberId", delta, "pendingDelta", kind, "idempotencyKey", "createdAt")
    SELECT gen_random_uuid()::text, ${shopId}, 'm' || lpad(i::text, 6, '0'), i % 100, 0, 'import', 'seed:' || i, now()
      FROM generate_series(1, ${MEMBERS}) AS i WHERE i % 100 > 0`;
  await app.prisma.$executeRaw`
    INSERT INTO "PointLot" (id, "shopId", "memberId", amount, remaining, held, "availableAt", source, "createdAt")
    SELECT gen_random_uuid()::text, ${shopId}, 'm' || lpad(i::text, 6, '0'), i % 100, i % 100, false, now(), 'import', now()
      FROM generate_series(1, ${MEMBERS}) AS i WHERE i % 100 > 0`;
  await app.prisma
    .$executeRaw`UPDATE "Member" SET balance = (substring(id from 2)::int % 100) WHERE "shopId" = ${shopId}`;
  // The shop has a workflow on the surprise trigger: its events are queued.
  await app.prisma.shop.update({ where: { id: shopId }, data: { flowTriggersEnabled: ["tally-surprise"] } });
}, 180_000);
afterAll(() => app?.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

const post = (path: string, body: unknown) =>
  app.admin(path, SHOP, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

async function createCampaign(body: Record<string, unknown>): Promise<string> {
  const response = await post("/api/campaigns", body);
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

const campaign = async (id: string) => {
  const response = await app.admin(`/api/campaigns/${id}`, SHOP);
  expect(response.status).toBe(200);
  return ((await response.json()) as { campaign: { status: string; total: number; awarded: number; progress: number } })
    .campaign;
};

/** Customers 1–600 and one customer who is not a member. */
function addVipSegment() {
  const { segments } = app.double.shop(SHOP);
  if (segments.some((segment) => segment.id === VIP_SEGMENT)) return;
  segments.push({
    id: VIP_SEGMENT,
    name: "VIP newsletter",
    query: "customer_tags CONTAINS 'vip'",
    customerIds: [...Array.from({ length: 600 }, (_, i) => i + 1), 999_999],
  });
}

const ledgerCount = async (id: string) =>
  app.prisma.ledgerEntry.count({ where: { shopId, sourceType: "campaign", sourceId: id } });

describe("counting the audience first", () => {
  it.each([
    [{ type: "all" }, MEMBERS],
    [{ type: "tier", tierId: "gold" }, MEMBERS / 10],
    [{ type: "inactive", days: 180 }, 100],
    [{ type: "balance", comparison: "above", points: 89 }, 1_000],
    [{ type: "balance", comparison: "below", points: 1 }, 100],
    [{ type: "emails", emails: ["SHOPPER1@example.com", "shopper2@example.com", "nobody@example.com"] }, 2],
  ])("%j names %i members", async (audience, count) => {
    const response = await post("/api/campaigns/count", { audience });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ count, complete: true });
  });

  it("a Shopify customer segment is read page by page and mapped to members, up to 500 for a count", async () => {
    addVipSegment();
    const response = await post("/api/campaigns/count", {
      audience: { type: "segment", segmentId: VIP_SEGMENT },
    });
    // A count reads the first 500 customers only: "at least 500".
    expect(await response.json()).toEqual({ count: 500, complete: false });
  });
});

describe("refusals write nothing", () => {
  it.each([
    ["no gift", { name: "x", audience: { type: "all" }, message: "hi" }],
    ["both gifts", { name: "x", audience: { type: "all" }, message: "hi", points: 5, rewardId: "r" }],
    ["bad audience", { name: "x", audience: { type: "tier" }, message: "hi", points: 5 }],
    ["long message", { name: "x", audience: { type: "all" }, message: "a".repeat(281), points: 5 }],
    ["unknown tier", { name: "x", audience: { type: "tier", tierId: "platinum" }, message: "hi", points: 5 }],
    ["unknown reward", { name: "x", audience: { type: "all" }, message: "hi", rewardId: "nope" }],
    ["bad date", { name: "x", audience: { type: "all" }, message: "hi", points: 5, sendAt: "tomorrow" }],
  ])("%s: 422", async (_name, body) => {
    const before = await app.prisma.campaign.count();
    const response = await post("/api/campaigns", body);
    expect(response.status).toBe(422);
    expect(await app.prisma.campaign.count()).toBe(before);
  });

  it("a body that is not JSON: 400", async () => {
    const response = await app.admin("/api/campaigns", SHOP, { method: "POST", body: "{" });
    expect(response.status).toBe(400);
  });

  it("a segment Shopify does not have: 422", async () => {
    const response = await post("/api/campaigns/count", {
      audience: { type: "segment", segmentId: "gid://shopify/Segment/404" },
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: "segment_unreadable" });
  });

  it("over 10,000 emails: 422", async () => {
    const emails = Array.from({ length: 10_001 }, (_, i) => `e${i}@example.com`);
    const response = await post("/api/campaigns/count", { audience: { type: "emails", emails } });
    expect(response.status).toBe(422);
  });
});

describe("a campaign to 10,000 members", () => {
  it("awards each member once in batches, resumes after a crash without doubles, and tells each shopper once", async () => {
    const id = await createCampaign({
      name: "Thank you",
      audience: { type: "all" },
      points: 200,
      message: "200 points from Tally Outfitters: thank you!",
    });
    expect((await campaign(id)).status).toBe("scheduled");
    // Three batches, then a crash in the middle of the fourth: its transaction never commits.
    await runJob({ maxBatches: 3 });
    const midway = await campaign(id);
    expect(midway).toMatchObject({ status: "running", total: MEMBERS, awarded: 3_000, progress: 30 });
    const shop = await loadShop(app.prisma, shopId);
    await expect(
      inTransaction(app.prisma, async (tx) => {
        await sendCampaignBatch(tx, shop, id, new Date());
        throw new Error("the process died here");
      }),
    ).rejects.toThrow("the process died here");
    expect(await ledgerCount(id)).toBe(3_000);
    // The restarted job picks up after the last committed batch.
    await runJob();
    expect(await campaign(id)).toMatchObject({ status: "done", total: MEMBERS, awarded: MEMBERS, progress: 100 });
    expect(await ledgerCount(id)).toBe(MEMBERS);
    // Running again gives nobody anything more.
    await app.prisma.campaign.update({ where: { id }, data: { status: "running", cursor: null, awarded: 0 } });
    await runJob();
    expect(await ledgerCount(id)).toBe(MEMBERS);
    expect((await getCampaign(app.prisma, shopId, id))?.awarded).toBe(0);
    const member = await app.prisma.member.findUniqueOrThrow({ where: { id: "m000042" } });
    expect(Number(member.balance)).toBe(42 + 200);
    const events = await app.prisma.outboxTask.count({
      where: { shopId, key: { startsWith: `flow:surprise:${id}:` } },
    });
    expect(events).toBe(MEMBERS);
    const event = await app.prisma.outboxTask.findFirstOrThrow({ where: { key: `flow:surprise:${id}:m000042` } });
    expect(event.payload).toEqual({
      handle: "tally-surprise",
      memberId: "m000042",
      fields: {
        "Campaign name": "Thank you",
        Message: "200 points from Tally Outfitters: thank you!",
        Points: 200,
        Reward: "",
        "Discount code": "",
        "Points balance": 242,
      },
    });

    // The shopper sees it once: in the member API, then marked seen.
    const proxy = (path: string, method = "GET") =>
      fetch(`${app.url}/proxy${path}?${appProxyQuery({ shop: SHOP, customerId: "42" }, TEST_API_SECRET)}`, {
        method,
        headers: { "User-Agent": BROWSER_USER_AGENT },
      });
    const view = (await (await proxy("/member")).json()) as { surprise: unknown };
    expect(view.surprise).toEqual({
      id,
      campaignName: "Thank you",
      message: "200 points from Tally Outfitters: thank you!",
      points: 200,
      rewardName: null,
    });
    const activity = (await (await proxy("/member/activity")).json()) as { entries: { description: string }[] };
    expect(activity.entries[0]?.description).toBe("Surprise gift");
    expect((await proxy(`/surprises/${id}/seen`, "POST")).status).toBe(204);
    expect(((await (await proxy("/member")).json()) as { surprise: unknown }).surprise).toBeNull();
    expect((await proxy(`/surprises/nope/seen`, "POST")).status).toBe(404);
    // The customer account extension marks it seen the same way (session token).
    const token = await mintSessionToken({
      shop: SHOP,
      apiKey: TEST_API_KEY,
      apiSecret: TEST_API_SECRET,
      subject: "gid://shopify/Customer/43",
    });
    const seen = await fetch(`${app.url}/api/extension/surprises/${id}/seen`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "User-Agent": BROWSER_USER_AGENT },
    });
    expect(seen.status).toBe(204);
  }, 300_000);

  it("can be cancelled while running: the next batch stops, what was given stays", async () => {
    const id = await createCampaign({ name: "Stopped", audience: { type: "all" }, points: 5, message: "hello" });
    await runJob({ maxBatches: 2 });
    expect((await campaign(id)).awarded).toBe(2_000);
    const cancelled = await post(`/api/campaigns/${id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    await runJob();
    expect(await campaign(id)).toMatchObject({ status: "cancelled", awarded: 2_000 });
    expect(await ledgerCount(id)).toBe(2_000);
  }, 120_000);

  it("waits for its date, and a segment campaign reaches the segment's members", async () => {
    addVipSegment();
    const later = new Date(Date.now() + 3_600_000);
    const id = await createCampaign({
      name: "VIP",
      audience: { type: "segment", segmentId: VIP_SEGMENT },
      points: 10,
      message: "for our VIPs",
      sendAt: later.toISOString(),
    });
    expect((await campaign(id)).status).toBe("counting");
    // A pass with no time left reads no page; the next one reads the segment.
    await runCampaigns(app.prisma, new Date(), undefined, { budgetMs: 0 });
    expect((await campaign(id)).status).toBe("counting");
    await runJob();
    expect((await campaign(id)).status).toBe("scheduled");
    await runJob({}, new Date(later.getTime() + 1_000));
    expect(await campaign(id)).toMatchObject({ status: "done", total: 600, awarded: 600 });
  }, 120_000);

  it("a reward campaign gives each member of the audience a code, once", async () => {
    const { program } = (await (await app.admin("/api/program", SHOP)).json()) as {
      program: { rewards: { id: string; type: string }[] };
    };
    const reward = program.rewards.find((candidate) => candidate.type !== "store_credit")!;
    const id = await createCampaign({
      name: "Codes",
      audience: { type: "emails", emails: ["shopper7@example.com", "shopper8@example.com"] },
      rewardId: reward.id,
      message: "a code for you",
    });
    await runJob();
    await runJob();
    expect(await campaign(id)).toMatchObject({ status: "done", awarded: 2 });
    // Finished, it keeps how many emails were pasted, not the emails.
    const stored = await app.prisma.campaign.findUniqueOrThrow({ where: { id } });
    expect(stored.audience).toEqual({ type: "emails", emails: [], emailCount: 2 });
    expect(
      await app.prisma.redemption.count({ where: { shopId, requestKey: { startsWith: `campaign:${id}:` } } }),
    ).toBe(2);
  });

  it("a shopper's erasure takes their email out of a campaign still to send", async () => {
    const id = await createCampaign({
      name: "Later",
      audience: { type: "emails", emails: ["shopper9@example.com", "shopper10@example.com"] },
      points: 5,
      message: "soon",
      sendAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await inTransaction(app.prisma, (tx) => eraseEmailFromCampaigns(tx, shopId, "Shopper9@example.com"));
    const stored = await app.prisma.campaign.findUniqueOrThrow({ where: { id } });
    expect(stored.audience).toEqual({ type: "emails", emails: ["shopper10@example.com"] });
    // The API shows a pasted list by its size, never its emails.
    const shown = (await (await app.admin(`/api/campaigns/${id}`, SHOP)).json()) as { campaign: { audience: unknown } };
    expect(shown.campaign.audience).toEqual({ type: "emails", emailCount: 1 });
    expect((await post(`/api/campaigns/${id}/cancel`, {})).status).toBe(200);
  });

  it.skipIf(!ON_POSTGRES)(
    "on PostgreSQL: two instances sending one campaign never give a member it twice",
    async () => {
      const id = await createCampaign({ name: "Twice", audience: { type: "all" }, points: 1, message: "hi" });
      await Promise.all([runJob(), runJob(), runJob()]);
      await runJob();
      expect(await campaign(id)).toMatchObject({ status: "done", awarded: MEMBERS });
      expect(await ledgerCount(id)).toBe(MEMBERS);
    },
    300_000,
  );
});

describe("the demo", () => {
  it("seeds a finished campaign whose surprise Ava sees, and a segment to pick; starting again changes nothing", async () => {
    const shop = "campaigns-demo.myshopify.com";
    const [ava] = SANDBOX_CUSTOMERS as [DoubleCustomer];
    await app.installShop(shop, { customers: SANDBOX_CUSTOMERS });
    const demo = { appUrl: app.url, shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, currencyCode: "EUR" };
    await seedDemoShop(demo, ava, app.double);
    await seedDemoCampaign(app.prisma, shop, ava, app.double);
    await seedDemoCampaign(app.prisma, shop, ava, app.double);
    const view = await (await app.proxy("/member", { shop, customerId: ava.id })).json();
    expect(view.points.balance).toBe(500 + DEMO_CAMPAIGN.points);
    expect(view.surprise).toMatchObject({ message: DEMO_CAMPAIGN.message, points: DEMO_CAMPAIGN.points });
    expect(app.double.shop(shop).segments.filter((s) => s.id === DEMO_SEGMENT.id)).toHaveLength(1);
    const counted = await app.admin("/api/campaigns/count", shop, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ audience: { type: "segment", segmentId: DEMO_SEGMENT.id } }),
    });
    // Ava, Liam and Zoe have two orders or more; only Ava is a member yet.
    expect(await counted.json()).toEqual({ count: 1, complete: true });
  });
});
