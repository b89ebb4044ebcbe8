import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/db/database.server";
import { freshDatabase, type FreshDatabase } from "./support/database";

/** The ledger's invariants hold even against a raw write that a bug could make. */

let fresh: FreshDatabase;
let database: Database;
const ids = { shop: "", member: "", lot: "", entry: "", redemption: "", task: "", referral: "", memberImport: "" };

beforeAll(async () => {
  fresh = await freshDatabase();
  database = openDatabase({ databaseUrl: fresh.env.DATABASE_URL, pgliteDir: fresh.env.PGLITE_DATA_DIR });
  await database.ready;
  const db = database.prisma;
  const shop = await db.shop.create({ data: { domain: "constraints.myshopify.com" } });
  const member = await db.member.create({ data: { shopId: shop.id, shopifyCustomerId: "1", balance: 100 } });
  const lot = await db.pointLot.create({
    data: {
      shopId: shop.id,
      memberId: member.id,
      amount: 100,
      remaining: 100,
      availableAt: new Date(),
      source: "order",
    },
  });
  const entry = await db.ledgerEntry.create({
    data: { shopId: shop.id, memberId: member.id, delta: 100, kind: "earn", idempotencyKey: "order:1:earn" },
  });
  const redemption = await db.redemption.create({
    data: {
      shopId: shop.id,
      memberId: member.id,
      requestKey: "r1",
      rewardId: "w",
      reward: {},
      pointsSpent: 50,
      code: "C1",
      startsAt: new Date(),
      endsAt: new Date(),
    },
  });
  const task = await db.outboxTask.create({
    data: { shopId: shop.id, topic: "sync_member", key: "sync:1", payload: {} },
  });
  const referral = await db.referral.create({
    data: {
      shopId: shop.id,
      referrerId: member.id,
      refereeCustomerId: "2",
      code: "ABC",
      source: "signup",
      status: "awaiting_order",
    },
  });
  const memberImport = await db.memberImport.create({ data: { shopId: shop.id, format: "plain", totalRows: 1 } });
  Object.assign(ids, {
    shop: shop.id,
    member: member.id,
    lot: lot.id,
    entry: entry.id,
    redemption: redemption.id,
    task: task.id,
    referral: referral.id,
    memberImport: memberImport.id,
  });
});
afterAll(async () => {
  await database?.close();
  await fresh?.drop();
});

/** PostgreSQL's check_violation, naming the constraint that refused the write. */
async function refused(statement: string, id: string): Promise<string | null> {
  try {
    await database.withSqlRunner((sql) => sql.query(statement, [id]));
    return null;
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    return code === "23514" ? `check_violation ${constraint}` : `unexpected: ${String(error)}`;
  }
}

describe("the database refuses writes that break the ledger's invariants", () => {
  it.each([
    ["a negative balance", `UPDATE "Member" SET balance = -1 WHERE id = $1`, "member", "Member_balance_check"],
    ["negative pending points", `UPDATE "Member" SET pending = -1 WHERE id = $1`, "member", "Member_pending_check"],
    [
      "a lot with more remaining than its amount",
      `UPDATE "PointLot" SET remaining = amount + 1 WHERE id = $1`,
      "lot",
      "PointLot_remaining_check",
    ],
    [
      "a lot with negative remaining",
      `UPDATE "PointLot" SET remaining = -1 WHERE id = $1`,
      "lot",
      "PointLot_remaining_check",
    ],
    [
      "a ledger entry of an unknown kind",
      `UPDATE "LedgerEntry" SET kind = 'gift' WHERE id = $1`,
      "entry",
      "LedgerEntry_kind_check",
    ],
    [
      "a redemption spending negative points",
      `UPDATE "Redemption" SET "pointsSpent" = -5 WHERE id = $1`,
      "redemption",
      "Redemption_pointsSpent_check",
    ],
    [
      "an outbox task of an unknown topic",
      `UPDATE "OutboxTask" SET topic = 'send_mail' WHERE id = $1`,
      "task",
      "OutboxTask_topic_check",
    ],
    [
      "an outbox task with negative attempts",
      `UPDATE "OutboxTask" SET attempts = -1 WHERE id = $1`,
      "task",
      "OutboxTask_attempts_check",
    ],
    [
      "a referral of an unknown status",
      `UPDATE "Referral" SET status = 'paid' WHERE id = $1`,
      "referral",
      "Referral_status_check",
    ],
    [
      "a referral of an unknown source",
      `UPDATE "Referral" SET source = 'email' WHERE id = $1`,
      "referral",
      "Referral_source_check",
    ],
    [
      "an import of an unknown status",
      `UPDATE "MemberImport" SET status = 'half' WHERE id = $1`,
      "memberImport",
      "MemberImport_status_check",
    ],
  ] as const)("refuses %s", async (_story, statement, row, constraint) => {
    const refusal = await refused(statement, ids[row]);
    expect(refusal).toContain(constraint);
  });

  it("still takes the writes the ledger makes: spending a lot down to zero and the balance with it", async () => {
    expect(await refused(`UPDATE "PointLot" SET remaining = 0 WHERE id = $1`, ids.lot)).toBeNull();
    expect(await refused(`UPDATE "Member" SET balance = 0 WHERE id = $1`, ids.member)).toBeNull();
  });
});
