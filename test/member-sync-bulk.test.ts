import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncMembersToShopify } from "~/jobs/member-sync.server";
import { startTestApp, type TestApp } from "./support/test-app";

/** A small threshold keeps the test fast; the job's default is BULK_SYNC_THRESHOLD (2,000). */
const THRESHOLD = 20;
const bulk = { bulkThreshold: THRESHOLD };
let app: TestApp;
const later = (minutes = 1) => new Date(Date.now() + minutes * 60_000);

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

/**
 * A shop whose members all wait for a sync, as after a tier threshold change: every third member
 * moved up to Silver, every third moved down from it, the rest kept their tier (none).
 */
async function shopWithDueMembers(domain: string, members: number, firstCustomer: number) {
  await app.installShop(domain, { plan: "plus" });
  const shopId = await app.configureProgram(domain, (program) => {
    program.tiers = {
      ...program.tiers,
      levels: [{ id: "silver", name: "Silver", threshold: 500, earnMultiplier: 1, entryBonusPoints: 0 }],
    };
  });
  await app.prisma.$executeRaw`
    INSERT INTO "Member" (id, "shopId", "shopifyCustomerId", email, balance, "tierId", "syncedTierId", "createdAt", "updatedAt")
    SELECT ${domain} || i, ${shopId}, (${firstCustomer}::int + i)::text, 'c' || i || '@example.com', i * 10,
           CASE WHEN i % 3 = 0 THEN 'silver' END, CASE WHEN i % 3 = 1 THEN 'silver' END, now(), now()
      FROM generate_series(1, ${members}::int) AS i`;
  await app.prisma.$executeRaw`
    INSERT INTO "OutboxTask" (id, "shopId", topic, key, payload, "runAt", attempts, "createdAt")
    SELECT 't' || id, ${shopId}, 'sync_member', 'sync:' || id, jsonb_build_object('memberId', id, 'changes', 1), now(), 0, now()
      FROM "Member" WHERE "shopId" = ${shopId}`;
  // The demoted members' customers carry the Silver tag (and one of the merchant's own).
  const tags = app.double.shop(domain).tags;
  for (let i = 1; i <= members; i++) {
    if (i % 3 === 1) tags[`gid://shopify/Customer/${firstCustomer + i}`] = ["Tally Silver", "VIP"];
  }
  return shopId;
}

const due = (shopId: string) =>
  app.prisma.outboxTask.findMany({ where: { shopId, topic: "sync_member", deliveredAt: null } });
const callsOn = (domain: string) => app.double.calls.filter((call) => call.shop === domain);

describe("a mass sync through Shopify bulk operations", () => {
  it("writes every member's metafields and tier tags in three bulk operations, whatever the number of members", async () => {
    const callCounts: number[] = [];
    for (const [domain, members, firstCustomer] of [
      ["bulk-small.myshopify.com", 30, 10_000],
      ["bulk-large.myshopify.com", 90, 20_000],
    ] as const) {
      const shopId = await shopWithDueMembers(domain, members, firstCustomer);
      await syncMembersToShopify(app.prisma, later(), undefined, bulk);
      expect(await due(shopId)).toEqual([]);

      const shop = app.double.shop(domain);
      for (let i = 1; i <= members; i++) {
        const customer = `gid://shopify/Customer/${firstCustomer + i}`;
        expect(shop.metafields[customer]!["$app.points_balance"]!.value).toBe(String(i * 10));
        const tier = JSON.parse(shop.metafields[customer]!["$app.tier"]!.value) as { id: string | null };
        expect(tier.id).toBe(i % 3 === 0 ? "silver" : null);
        if (i % 3 === 0) expect(shop.tags[customer]).toEqual(["Tally Silver"]);
        if (i % 3 === 1) expect(shop.tags[customer]).toEqual(["VIP"]);
        if (i % 3 === 2) expect(shop.tags[customer]).toBeUndefined();
      }
      // The tags are recorded as written: the next change writes no tags again.
      expect(await app.prisma.member.count({ where: { shopId, NOT: { syncedTierId: { equals: null } } } })).toBe(
        members / 3,
      );
      const names = callsOn(domain).map((call) => call.operationName);
      expect(names.filter((name) => name === "RunBulkMutation")).toHaveLength(3);
      expect(names.filter((name) => ["SetMemberMetafields", "AddTierTag", "RemoveTierTags"].includes(name!))).toEqual(
        [],
      );
      callCounts.push(names.length);
    }
    // Three times the members, the same Admin API calls.
    expect(callCounts[1]).toBe(callCounts[0]);
  });

  it("leaves a member whose line Shopify refused due, and writes it on a later pass", async () => {
    const domain = "bulk-refused.myshopify.com";
    const shopId = await shopWithDueMembers(domain, 24, 30_000);
    app.double.failNext(
      { kind: "userErrors", userErrors: [{ field: ["metafields", "0", "value"], message: "Value is invalid" }] },
      { operationName: "SetMemberMetafields" },
    );
    const now = later();
    await syncMembersToShopify(app.prisma, now, undefined, bulk);
    const [refused, ...others] = await due(shopId);
    expect(others).toEqual([]);
    expect(refused!.attempts).toBe(1);
    expect(refused!.runAt.getTime()).toBeGreaterThan(now.getTime());
    const customer = await app.prisma.member.findUniqueOrThrow({
      where: { id: (refused!.payload as { memberId: string }).memberId },
    });
    expect(app.double.shop(domain).metafields[`gid://shopify/Customer/${customer.shopifyCustomerId}`]).toBeUndefined();

    // Alone, it is below the threshold: the next pass writes it with one call.
    await syncMembersToShopify(app.prisma, later(60), undefined, bulk);
    expect(await due(shopId)).toEqual([]);
    expect(
      app.double.shop(domain).metafields[`gid://shopify/Customer/${customer.shopifyCustomerId}`]![
        "$app.points_balance"
      ]!.value,
    ).toBe(String(customer.balance));
  });

  it("tries a bulk operation that failed again later, and runs again a member who changed while it ran", async () => {
    const domain = "bulk-failed.myshopify.com";
    const shopId = await shopWithDueMembers(domain, 21, 40_000);
    app.double.setBulkOperationOutcome({ errorCode: "INTERNAL_SERVER_ERROR" });
    const now = later();
    await syncMembersToShopify(app.prisma, now, undefined, bulk);
    const waiting = await due(shopId);
    expect(waiting).toHaveLength(21);
    expect(waiting.every((task) => task.attempts === 1 && task.runAt > now)).toBe(true);
    expect(app.double.shop(domain).metafields["gid://shopify/Customer/40001"]).toBeUndefined();

    // Shopify recovers; this time the operations run for a poll before they complete.
    app.double.setBulkOperationOutcome({ runningPolls: 1 });
    await syncMembersToShopify(app.prisma, later(60), undefined, bulk);
    expect(await due(shopId)).toHaveLength(21);
    // A member earns while their line is being written: their task counts the change.
    await app.prisma.$executeRaw`
      UPDATE "OutboxTask" SET payload = jsonb_set(payload, '{changes}', '2') WHERE key = ${`sync:${domain}5`}`;
    app.double.reset();
    await syncMembersToShopify(app.prisma, later(60), undefined, bulk);
    expect(await due(shopId)).toEqual([]);
    expect(app.double.shop(domain).metafields["gid://shopify/Customer/40001"]!["$app.points_balance"]!.value).toBe(
      "10",
    );
    // Its task was due again at once, and written again (alone: one call) in the same pass.
    const rewritten = app.double.callsTo("SetMemberMetafields");
    expect(rewritten.map((call) => (call.variables.metafields as { ownerId: string }[])[0]!.ownerId)).toEqual([
      "gid://shopify/Customer/40005",
    ]);
  });
});
