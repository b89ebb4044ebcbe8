import type { PGlite } from "@electric-sql/pglite";
import type { Migration } from "~/db/migrate.server";
import { pgliteBefore } from "./support/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The migration that makes keys derived from a shopper opaque rewrites the keys already stored
// (docs/decisions/0016-program-bounds-and-opaque-keys.md): run it on rows written the old way.
const REWRITE = "20261130180000_opaque_customer_keys";
let db: PGlite;

beforeAll(async () => {
  let migration: Migration;
  ({ db, migration } = await pgliteBefore(REWRITE));
  await db.exec(`
    INSERT INTO "Shop" (id, domain, "updatedAt") VALUES ('s1', 'a.myshopify.com', now());
    INSERT INTO "Member" (id, "shopId", "shopifyCustomerId", "updatedAt") VALUES ('m1', 's1', '4001', now()), ('m2', 's1', '4002', now()), ('m3', 's1', NULL, now());
    INSERT INTO "PointLot" (id, "shopId", "memberId", amount, remaining, "availableAt", source) VALUES ('lot1', 's1', 'm3', 10, 0, now(), 'order:1');
    INSERT INTO "LedgerEntry" (id, "shopId", "memberId", delta, kind, "idempotencyKey", "sourceId") VALUES
      ('e1', 's1', 'm1', 100, 'bonus', 'customer:4001:signup', '4001'),
      ('e2', 's1', 'm1', 10, 'action', 'action:review:4001:ev:1', 'review'),
      ('e3', 's1', 'm3', -10, 'merge_out', 'merge:4003:4002:out', '4002'),
      ('e4', 's1', 'm2', 10, 'merge_in', 'merge:4003:4002:in:lot1', '4003'),
      ('e5', 's1', 'm1', 5, 'earn', 'order:77:earn', '77');
    INSERT INTO "OutboxTask" (id, "shopId", topic, key, payload) VALUES
      ('o1', 's1', 'flow_trigger', 'flow:earned:customer:4001:signup', '{"memberId": "m1", "handle": "h", "fields": {}}'),
      ('o2', 's1', 'flow_trigger', 'flow:earned:action:review:4001:ev:1', '{"memberId": "m1", "handle": "h", "fields": {}}');
    INSERT INTO "Redemption" (id, "shopId", "memberId", "requestKey", "rewardId", reward, "pointsSpent", code, "startsAt", "endsAt", "updatedAt") VALUES
      ('r1', 's1', 'm1', '4001:abc:def', 'five', '{}', 5, 'C1', now(), now(), now()),
      ('r2', 's1', 'm1', 'referral:x:prize', 'five', '{}', 5, 'C2', now(), now(), now());`);
  await db.exec(migration.sql);
}, 60_000);
afterAll(() => db?.close());

describe(`migration ${REWRITE}`, () => {
  it("rewrites keys and source ids that named a customer to the member's id, and leaves the others", async () => {
    const { rows: entries } = await db.query(`SELECT id, "idempotencyKey", "sourceId" FROM "LedgerEntry" ORDER BY id`);
    expect(entries).toEqual([
      { id: "e1", idempotencyKey: "member:m1:signup", sourceId: "m1" },
      { id: "e2", idempotencyKey: "action:review:m1:ev:1", sourceId: "review" },
      { id: "e3", idempotencyKey: "merge:m3:out", sourceId: "m2" },
      { id: "e4", idempotencyKey: "merge:m3:in:lot1", sourceId: "m3" },
      { id: "e5", idempotencyKey: "order:77:earn", sourceId: "77" },
    ]);
    const { rows: tasks } = await db.query(`SELECT key FROM "OutboxTask" ORDER BY id`);
    expect(tasks).toEqual([{ key: "flow:earned:member:m1:signup" }, { key: "flow:earned:action:review:m1:ev:1" }]);
    const { rows: redemptions } = await db.query(`SELECT "requestKey" FROM "Redemption" ORDER BY id`);
    expect(redemptions).toEqual([{ requestKey: "member:m1:abc:def" }, { requestKey: "referral:x:prize" }]);
  });
});
