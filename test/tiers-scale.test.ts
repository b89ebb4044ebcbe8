import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncMembersToShopify } from "~/jobs/member-sync.server";
import { reevaluateAllTiers } from "~/jobs/points.server";
import { FLOW_TRIGGERS } from "~/loyalty/points/flow-triggers";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "tiers-scale.myshopify.com";
const MEMBERS = 10_000;
let app: TestApp;
let shopId: string;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP, { plan: "plus" });
  shopId = await app.configureProgram(SHOP, (program) => {
    program.tiers = {
      ...program.tiers,
      levels: [{ id: "silver", name: "Silver", threshold: 5000, earnMultiplier: 1, entryBonusPoints: 10 }],
    };
  });
  // Workflows on Tally's tier and points triggers: each move and each entry bonus is a Flow event.
  await app.prisma.shop.update({
    where: { id: shopId },
    data: { flowTriggersEnabled: [FLOW_TRIGGERS.tierChanged.handle, FLOW_TRIGGERS.pointsEarned.handle] },
  });
  // 10,000 members who earned 1…1000 points each, written as the ledger would write them.
  await app.prisma.$executeRaw`
    INSERT INTO "Member" (id, "shopId", "shopifyCustomerId", email, balance, "lastEarnedAt", "createdAt", "updatedAt")
    SELECT 'm' || i, ${shopId}, (100000 + i)::text, 'c' || i || '@example.com', (i % 1000) + 1, now(), now(), now()
      FROM generate_series(1, ${MEMBERS}::int) AS i`;
  await app.prisma.$executeRaw`
    INSERT INTO "LedgerEntry" (id, "shopId", "memberId", delta, kind, "idempotencyKey", "sourceType", "createdAt")
    SELECT 'e' || i, ${shopId}, 'm' || i, (i % 1000) + 1, 'earn', 'seed:' || i, 'order', now()
      FROM generate_series(1, ${MEMBERS}::int) AS i`;
  await app.prisma.$executeRaw`
    INSERT INTO "PointLot" (id, "shopId", "memberId", amount, remaining, "availableAt", source, "createdAt")
    SELECT 'l' || i, ${shopId}, 'm' || i, (i % 1000) + 1, (i % 1000) + 1, now(), 'seed', now()
      FROM generate_series(1, ${MEMBERS}::int) AS i`;
}, 120_000);
afterAll(() => app?.close());

describe("re-evaluating 10,000 members after the thresholds change", () => {
  it("moves exactly the members who now qualify, once, without touching anyone else's points", async () => {
    const now = new Date();
    expect((await reevaluateAllTiers(app.prisma, now, SHOP)).processed).toBe(MEMBERS);
    expect(await app.prisma.tierChange.count({ where: { shopId } })).toBe(0);

    await app.configureProgram(SHOP, (program) => {
      program.tiers.levels[0]!.threshold = 970;
    });
    const pointsBefore = (await app.prisma.member.aggregate({ where: { shopId }, _sum: { balance: true } }))._sum
      .balance!;
    expect((await reevaluateAllTiers(app.prisma, now, SHOP)).processed).toBe(MEMBERS);
    // Points 970…1000: 31 members in every 1,000.
    const movers = (MEMBERS / 1000) * 31;
    expect(await app.prisma.member.count({ where: { shopId, tierId: "silver" } })).toBe(movers);
    expect(await app.prisma.tierChange.count({ where: { shopId } })).toBe(movers);
    const pointsAfter = (await app.prisma.member.aggregate({ where: { shopId }, _sum: { balance: true } }))._sum
      .balance!;
    expect(Number(pointsAfter - pointsBefore)).toBe(movers * 10);
    expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
    const flowEvents = (await app.prisma.outboxTask.findMany({ where: { shopId, topic: "flow_trigger" } })).map(
      (task) => task.payload as { handle: string; fields: Record<string, unknown> },
    );
    const tierEvents = flowEvents.filter((event) => event.handle === FLOW_TRIGGERS.tierChanged.handle);
    expect(tierEvents).toHaveLength(movers);
    expect(tierEvents.every((event) => event.fields["New tier"] === "Silver" && event.fields.Direction === "up")).toBe(
      true,
    );
    const bonusEvents = flowEvents.filter((event) => event.handle === FLOW_TRIGGERS.pointsEarned.handle);
    expect(bonusEvents).toHaveLength(movers);
    expect(
      bonusEvents.every((event) => event.fields.Points === 10 && event.fields.Reason === "Welcome to Silver"),
    ).toBe(true);

    // Run again (a second worker, a retry): nothing moves twice.
    await reevaluateAllTiers(app.prisma, now, SHOP);
    expect(await app.prisma.tierChange.count({ where: { shopId } })).toBe(movers);
    expect(await app.prisma.outboxTask.count({ where: { shopId, topic: "flow_trigger" } })).toBe(2 * movers);
  }, 120_000);

  it("coalesces each mover's changes into one sync, written 5 members to a metafieldsSet", async () => {
    const movers = await app.prisma.member.findMany({
      where: { shopId, tierId: "silver" },
      select: { shopifyCustomerId: true },
    });
    // The tier change and its entry bonus are two changes, one pending sync per member.
    const tasks = await app.prisma.outboxTask.findMany({ where: { shopId, topic: "sync_member", deliveredAt: null } });
    expect(tasks).toHaveLength(movers.length);
    expect(tasks.every((task) => (task.payload as { changes: number }).changes >= 2)).toBe(true);

    app.double.reset();
    const later = new Date(Date.now() + 60_000);
    while (await app.prisma.outboxTask.count({ where: { shopId, topic: "sync_member", deliveredAt: null } })) {
      await syncMembersToShopify(app.prisma, later);
    }
    const metafieldCalls = app.double.callsTo("SetMemberMetafields");
    // Five metafields a member (points, pending, next expiry, tier, membership): five members a call.
    expect(metafieldCalls).toHaveLength(Math.ceil(movers.length / 5));
    expect(
      Math.max(...metafieldCalls.map((call) => (call.variables.metafields as unknown[]).length)),
    ).toBeLessThanOrEqual(25);
    expect(app.double.callsTo("AddTierTag")).toHaveLength(movers.length);
    expect(app.double.calls.filter((call) => JSON.stringify(call.response).includes("THROTTLED"))).toEqual([]);
    const shop = app.double.shop(SHOP);
    for (const { shopifyCustomerId } of movers) {
      const customer = `gid://shopify/Customer/${shopifyCustomerId}`;
      expect(JSON.parse(shop.metafields[customer]!["$app.tier"]!.value)).toEqual({ id: "silver", name: "Silver" });
      expect(shop.tags[customer]).toEqual(["Tally Silver"]);
    }
  }, 120_000);
});
