import { Prisma, type PrismaClient } from "@prisma/client";
import { fromBigInt } from "~/db/bigint";
import { NOW_UTC } from "~/db/clock.server";
import { inTransaction } from "~/db/transaction.server";
import { queueMemberSyncs } from "./member-sync.server";
import type { LoadedShop } from "~/loyalty/program/program.server";

const DAY_MS = 86_400_000;

/** The next points to expire and when: the soonest lot (fixed expiry) or the whole balance (inactivity). */
export async function expiringNext(
  db: PrismaClient | Prisma.TransactionClient,
  shop: LoadedShop,
  member: { id: string; balance: number; lastEarnedAt: Date | null; createdAt: Date },
) {
  const expiry = shop.program.expiry;
  if (expiry.mode === "never" || member.balance <= 0) return null;
  if (expiry.mode === "inactivity") {
    const from = member.lastEarnedAt ?? member.createdAt;
    return { points: member.balance, at: new Date(from.getTime() + expiry.days * DAY_MS).toISOString() };
  }
  // Read on every storefront view: one statement for the soonest expiry date and its points.
  const [next] = await db.$queryRaw<{ at: Date; points: bigint }[]>`
    SELECT "expiresAt" AS at, SUM(remaining)::bigint AS points FROM "PointLot"
     WHERE "memberId" = ${member.id} AND NOT held AND remaining > 0 AND "expiresAt" IS NOT NULL
     GROUP BY "expiresAt" ORDER BY "expiresAt" LIMIT 1`;
  return next ? { points: fromBigInt(next.points), at: next.at.toISOString() } : null;
}

/** Members whose expiry is looked at in one transaction: one statement writes all their entries. */
export const EXPIRY_BATCH = 500;
const CANDIDATES_PER_SCAN = 20_000;

/**
 * The points the program's expiry takes now, for one shop, in batches of members: each batch is
 * one transaction that locks its members (in id order, as every writer locks one member) and
 * then, in one statement, zeroes their due lots, writes one `expire` entry per lot (keyed
 * `expire:<lot>`, so a re-run writes nothing) and moves the balances; then queues the members' sync.
 * A per-lot loop spent ~5 round trips per lot; a 1M-lot sweep could not finish in minutes.
 */
export async function expireDuePoints(
  db: PrismaClient,
  shop: LoadedShop,
  now: Date,
): Promise<{ members: number; points: number }> {
  const expiry = shop.program.expiry;
  const report = { members: 0, points: 0 };
  if (expiry.mode === "never") return report;
  const cutoff = new Date(now.getTime() - expiry.days * DAY_MS);
  const reason =
    expiry.mode === "fixed" ? `expired after ${expiry.days} days` : `no earning activity for ${expiry.days} days`;
  // Fixed periods are a property of the lot, inactivity of the member: each reads only its table.
  const dueLots = (ids: string[]) =>
    expiry.mode === "fixed"
      ? Prisma.sql`"PointLot" l WHERE l."memberId" = ANY(${ids}) AND l."expiresAt" <= ${now}`
      : Prisma.sql`"PointLot" l JOIN "Member" m ON m.id = l."memberId"
          WHERE m.id = ANY(${ids}) AND l."memberId" = ANY(${ids}) AND COALESCE(m."lastEarnedAt", m."createdAt") <= ${cutoff}`;
  let after = "";
  let candidates: string[] = [];
  for (;;) {
    if (!candidates.length) {
      // Members with something due, a large slice per scan (each scan may read every lot).
      candidates = (
        expiry.mode === "fixed"
          ? await db.$queryRaw<{ memberId: string }[]>`
              SELECT DISTINCT "memberId" FROM "PointLot"
               WHERE "shopId" = ${shop.id} AND held = false AND remaining > 0 AND "expiresAt" <= ${now} AND "memberId" > ${after}
               ORDER BY "memberId" LIMIT ${CANDIDATES_PER_SCAN}`
          : await db.$queryRaw<{ memberId: string }[]>`
              SELECT id AS "memberId" FROM "Member"
               WHERE "shopId" = ${shop.id} AND balance > 0 AND COALESCE("lastEarnedAt", "createdAt") <= ${cutoff} AND id > ${after}
               ORDER BY id LIMIT ${CANDIDATES_PER_SCAN}`
      ).map((row) => row.memberId);
      if (!candidates.length) break;
    }
    const ids = candidates.splice(0, EXPIRY_BATCH);
    after = ids[ids.length - 1]!;
    const expired = await inTransaction(db, async (tx) => {
      // Rows by key (ANY of an array the planner cannot size), never by a scan or a join: without
      // statistics, or with PGlite's, those read the whole table for each batch (docs/decisions/0033-*).
      await tx.$queryRaw`SELECT id FROM "Member" WHERE id = ANY(ARRAY(SELECT unnest(${ids}::text[]))) ORDER BY id FOR UPDATE`;
      // Re-read under the locks: an order may have just renewed an inactive member.
      const members = await tx.$queryRaw<{ id: string; points: bigint }[]>`
        WITH due AS (
          SELECT l.id, l."memberId", l.remaining, l."orderId" FROM ${dueLots(ids)} AND l.held = false AND l.remaining > 0
        ), zeroed AS (
          UPDATE "PointLot" l SET remaining = 0 WHERE l.id = ANY(ARRAY(SELECT id FROM due)) RETURNING l.id
        ), entries AS (
          INSERT INTO "LedgerEntry" (id, "shopId", "memberId", delta, "pendingDelta", kind, "idempotencyKey", "orderId", reason, "createdAt")
          SELECT gen_random_uuid()::text, ${shop.id}, due."memberId", -due.remaining, 0, 'expire', 'expire:' || due.id, due."orderId", ${reason}, ${NOW_UTC}
            FROM due
          ON CONFLICT ("shopId", "idempotencyKey") DO NOTHING
          RETURNING "memberId", delta
        ), totals AS (
          SELECT "memberId", SUM(delta)::bigint AS delta FROM entries GROUP BY "memberId"
        ), balances AS (
          UPDATE "Member" m SET balance = m.balance + totals.delta, "updatedAt" = ${NOW_UTC}
            FROM totals WHERE m.id = ANY(ARRAY(SELECT "memberId" FROM totals)) AND m.id = totals."memberId" RETURNING m.id, totals.delta
        )
        SELECT id, -delta AS points FROM balances`;
      await queueMemberSyncs(
        tx,
        shop.id,
        members.map((member) => member.id),
        now,
      );
      return members;
    });
    report.members += expired.length;
    report.points += expired.reduce((sum, member) => sum + fromBigInt(member.points), 0);
  }
  return report;
}
