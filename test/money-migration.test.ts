import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Migration } from "~/db/migrate.server";
import { pgliteBefore } from "./support/database";

// The migration to bigint minor units rewrites what earlier versions stored: an order's weighted
// lines (float multipliers → thousandths), refund lines (hundredths → Shopify's decimal text) and
// amount_spent tier changes (currency units → thousandths).

const MIGRATION = "money_as_bigint";
let db: PGlite;

beforeAll(async () => {
  let migration: Migration;
  ({ db, migration } = await pgliteBefore(MIGRATION));
  await db.exec(`
    INSERT INTO "Shop" (id, domain, program, "updatedAt") VALUES
      ('spent', 'spent.myshopify.com', '{"tiers": {"metric": "amount_spent"}}', now()),
      ('points', 'points.myshopify.com', '{"tiers": {"metric": "points_earned"}}', now());
    INSERT INTO "Member" (id, "shopId", "shopifyCustomerId", balance, "updatedAt") VALUES
      ('m1', 'spent', '1', 150, now()), ('m2', 'points', '2', 10, now());
    INSERT INTO "Order" (id, "shopId", "shopifyOrderId", "memberId", lines, "eligibleCents", "pointsEarned", "updatedAt") VALUES
      ('o1', 'spent', '501', 'm1',
       '[{"lineItemId": "a", "productId": null, "grossCents": 1000, "eligibleCents": 1000, "weightedCents": 1500},
         {"lineItemId": "b", "productId": null, "grossCents": 333, "eligibleCents": 333, "weightedCents": 499.5}]', 1333, 150, now());
    INSERT INTO "OrderRefund" (id, "shopId", "orderId", "shopifyRefundId", lines) VALUES
      ('r1', 'spent', 'o1', '601', '[{"lineItemId": "a", "subtotalCents": 1234}, {"lineItemId": "b", "subtotalCents": 5}]');
    INSERT INTO "TierChange" (id, "shopId", "memberId", cause, metric) VALUES
      ('t1', 'spent', 'm1', 'earn', 800), ('t2', 'points', 'm2', 'earn', 120);
  `);
  await db.exec(migration.sql);
});
afterAll(() => db?.close());

it("rescales an order's weighted lines to thousandths, keeping their ratios", async () => {
  const { rows } = await db.query<{ lines: { weightedCents: number }[] }>(`SELECT lines FROM "Order" WHERE id = 'o1'`);
  expect(rows[0]!.lines.map((line) => line.weightedCents)).toEqual([1_500_000, 499_500]);
});

it("keeps refunded amounts as decimal text", async () => {
  const { rows } = await db.query<{ lines: unknown }>(`SELECT lines FROM "OrderRefund" WHERE id = 'r1'`);
  expect(rows[0]!.lines).toEqual([
    { lineItemId: "a", subtotal: "12.34" },
    { lineItemId: "b", subtotal: "0.05" },
  ]);
});

it("counts amount_spent tier changes in thousandths and leaves other metrics alone", async () => {
  const { rows } = await db.query<{ id: string; metric: bigint }>(`SELECT id, metric FROM "TierChange" ORDER BY id`);
  expect(rows.map((row) => [row.id, Number(row.metric)])).toEqual([
    ["t1", 800_000],
    ["t2", 120],
  ]);
});

it("holds balances and amounts past 32 bits", async () => {
  await db.exec(
    `UPDATE "Member" SET balance = 3000000000 WHERE id = 'm1'; UPDATE "Order" SET "eligibleCents" = 300000000000 WHERE id = 'o1'`,
  );
  const { rows } = await db.query<{ balance: bigint }>(`SELECT balance FROM "Member" WHERE id = 'm1'`);
  expect(Number(rows[0]!.balance)).toBe(3_000_000_000);
});
