import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/db/database.server";
import { migrate, NO_TRANSACTION_MARKER, type Migration } from "~/db/migrate.server";
import { freshDatabase, type FreshDatabase } from "./support/database";

const migration = (name: string, sql: string): Migration => ({
  name,
  sql,
  checksum: createHash("sha256").update(sql).digest("hex"),
});
const concurrentIndex = (name: string) =>
  migration(name, `${NO_TRANSACTION_MARKER}\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "Probe_x_idx" ON "Probe" (x);\n`);

let fresh: FreshDatabase;
let database: Database;
beforeAll(async () => {
  fresh = await freshDatabase();
  database = openDatabase({ databaseUrl: fresh.env.DATABASE_URL, pgliteDir: fresh.env.PGLITE_DATA_DIR });
  await database.ready;
  await database.withSqlRunner((sql) => sql.exec('CREATE TABLE "Probe" (id serial PRIMARY KEY, x int)'));
});
afterAll(async () => {
  await database?.close();
  await fresh?.drop();
});

const indexState = () =>
  database.withSqlRunner((sql) =>
    sql.query<{ valid: boolean }>(
      `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'Probe_x_idx'`,
    ),
  );

describe("migrations outside a transaction", () => {
  it("runs a migration marked tally:no-transaction statement by statement, so CREATE INDEX CONCURRENTLY is accepted", async () => {
    const applied = await database.withSqlRunner((sql) => migrate(sql, [concurrentIndex("20300201000000_concurrent")]));
    expect(applied).toEqual(["20300201000000_concurrent"]);
    expect(await indexState()).toEqual([{ valid: true }]);
    await database.withSqlRunner((sql) => sql.exec('DROP INDEX "Probe_x_idx"'));
  });

  it("drops and rebuilds an INVALID index that a crashed concurrent build left behind", async () => {
    // What an interrupted CREATE INDEX CONCURRENTLY leaves: the index exists, marked invalid.
    await database.withSqlRunner(async (sql) => {
      await sql.exec('CREATE INDEX "Probe_x_idx" ON "Probe" (x)');
      await sql.exec(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = '"Probe_x_idx"'::regclass`);
    });
    expect(await indexState()).toEqual([{ valid: false }]);
    await database.withSqlRunner((sql) => migrate(sql, [concurrentIndex("20300202000000_rerun")]));
    expect(await indexState()).toEqual([{ valid: true }]);
    await database.withSqlRunner((sql) => sql.exec('DROP INDEX "Probe_x_idx"'));
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "on PostgreSQL: writes to the table proceed while a no-transaction migration builds its index",
    async () => {
      const connect = async () => {
        const client = new pg.Client({ connectionString: fresh.env.DATABASE_URL });
        client.on("error", () => {});
        await client.connect();
        return client;
      };
      const [longWriter, writer, observer] = await Promise.all([connect(), connect(), connect()]);
      try {
        // A transaction already writing: a concurrent build waits for it to end before it finishes.
        await longWriter.query("BEGIN");
        await longWriter.query('INSERT INTO "Probe" (x) VALUES (1)');
        const building = database.withSqlRunner((sql) =>
          migrate(sql, [concurrentIndex("20300203000000_while_writing")]),
        );
        await expect
          .poll(
            async () =>
              (
                await observer.query(
                  `SELECT 1 FROM pg_stat_activity WHERE query LIKE '%CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
                )
              ).rowCount,
            { timeout: 10_000 },
          )
          .toBe(1);
        // Meanwhile another request writes to the table without waiting for the build.
        await writer.query("SET statement_timeout = '3s'");
        await writer.query('INSERT INTO "Probe" (x) VALUES (2)');
        await writer.query('UPDATE "Probe" SET x = 3 WHERE x = 2');
        await longWriter.query("COMMIT");
        expect(await building).toEqual(["20300203000000_while_writing"]);
        expect(await indexState()).toEqual([{ valid: true }]);
      } finally {
        await Promise.all([longWriter.end(), writer.end(), observer.end()]);
      }
    },
  );
});

describe("the indexes the sweeps and the dashboard need", () => {
  it.each([
    [
      "expiry candidates",
      `SELECT DISTINCT "memberId" FROM "PointLot" WHERE "shopId" = 's' AND held = false AND remaining > 0 AND "expiresAt" <= now()`,
      "PointLot_shopId_expiresAt_idx",
    ],
    [
      "the dashboard's orders",
      `SELECT count(*) FROM "Order" WHERE "shopId" = 's' AND "paidAt" IS NOT NULL AND COALESCE("placedAt", "paidAt") >= now() - interval '30 days' AND COALESCE("placedAt", "paidAt") < now()`,
      "Order_shopId_placedOrPaidAt_idx",
    ],
    [
      "pruning webhook deliveries",
      `SELECT id FROM "WebhookDelivery" WHERE "receivedAt" < now() LIMIT 5000`,
      "WebhookDelivery_receivedAt_idx",
    ],
    [
      "pruning delivered outbox tasks",
      `SELECT id FROM "OutboxTask" WHERE "deliveredAt" < now() LIMIT 5000`,
      "OutboxTask_deliveredAt_runAt_idx",
    ],
    [
      "pruning referral visits",
      `SELECT id FROM "ReferralVisit" WHERE "createdAt" < now() LIMIT 5000`,
      "ReferralVisit_createdAt_idx",
    ],
  ])("%s read an index", async (_what, query, index) => {
    // On an empty table any plan is cheap: forbid sequential scans to see which index serves the query.
    const plan = await database.withSqlRunner(async (sql) => {
      // The shop's older orders, so the date index is the one that narrows the dashboard's
      // read (with the shop's rows alone, an index on shopId ties with it after ALTER TABLE).
      await sql.exec(`
        INSERT INTO "Shop" (id, domain, "updatedAt") VALUES ('s', 's.myshopify.com', now()) ON CONFLICT DO NOTHING;
        INSERT INTO "Order" (id, "shopId", "shopifyOrderId", "paidAt", "placedAt", "updatedAt")
        SELECT 'old-' || i, 's', 'old-' || i, now() - interval '2 years', now() - interval '2 years', now() FROM generate_series(1, 500) AS i
        ON CONFLICT DO NOTHING;
        ANALYZE "Order";`);
      await sql.exec("SET enable_seqscan = off");
      try {
        return (await sql.query<{ "QUERY PLAN": string }>(`EXPLAIN ${query}`))
          .map((row) => row["QUERY PLAN"])
          .join("\n");
      } finally {
        await sql.exec("RESET enable_seqscan");
      }
    });
    expect(plan).toContain(index);
  });
});
