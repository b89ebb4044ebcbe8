import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { fromBigInt } from "~/db/bigint";
import { rows } from "~/db/rows";
import type { CohortSums } from "./breakage";

const cohortRow = z.object({
  month: z.string(),
  issued: z.bigint(),
  expired: z.bigint(),
  outstanding: z.bigint(),
});

/**
 * Every cohort of the shop's points (the month, UTC, their lots were written), in one statement:
 * issued, expired and outstanding points per cohort.
 *
 * One pass over the shop's lots gives issued and outstanding; a lot's expiry is its
 * `expire:<lot id>` entry, and the shop's expiry entries are summed by the cohort of the lot their
 * key names (a look-up by primary key each). Lots that only give points back — a redemption's
 * points returned (source `redemption:<id>`) — or move them — a merge's copy of the merged member's
 * lot (its source is the original's, so it is told by its time: written for the kept member between
 * the merge's `merge:<merged id>:out` entry and its last `merge_in` entry; merges are few, gathered
 * once and their copies taken off) — issue nothing; what later expires of them, or is still
 * outstanding, is counted in their own cohort.
 */
export async function breakageCohortSums(db: PrismaClient, shopId: string): Promise<CohortSums[]> {
  const sums = rows(
    cohortRow,
    await db.$queryRaw`
      -- Each merge into a member of the shop: the kept member and when its copies were written
      -- (merged members are the shop's few deleted ones; their entries are found by key and member).
      WITH merges AS MATERIALIZED (
        SELECT moved_out."sourceId" AS kept, moved_out."createdAt" AS starts, MAX(moved."createdAt") AS ends
          FROM "Member" merged
          JOIN "LedgerEntry" moved_out ON moved_out."shopId" = merged."shopId"
           AND moved_out."idempotencyKey" = 'merge:' || merged.id || ':out'
          JOIN "LedgerEntry" moved ON moved."memberId" = moved_out."sourceId" AND moved.kind = 'merge_in'
           AND moved."sourceId" = merged.id AND moved."createdAt" >= moved_out."createdAt"
         WHERE merged."shopId" = ${shopId} AND merged."deletedAt" IS NOT NULL
         GROUP BY 1, 2),
      -- The lots' sums per cohort, with no join: one pass over the shop's lots.
      lots AS (
        SELECT date_trunc('month', l."createdAt") AS cohort,
               SUM(l.amount) FILTER (WHERE l.source NOT LIKE 'redemption:%') AS issued,
               SUM(l.remaining) AS outstanding
          FROM "PointLot" l
         WHERE l."shopId" = ${shopId}
         GROUP BY 1),
      -- The merges' copies, taken off what was issued: the kept members' lots written during a merge.
      copies AS (
        SELECT date_trunc('month', l."createdAt") AS cohort, SUM(l.amount) AS issued
          FROM merges
          JOIN "PointLot" l ON l."memberId" = merges.kept AND l."createdAt" BETWEEN merges.starts AND merges.ends
         WHERE l.source NOT LIKE 'redemption:%'
         GROUP BY 1),
      -- What expired, by its lot's cohort: the shop's expiry entries (few beside the ledger), each
      -- finding its lot by the id in its key.
      expired AS (
        SELECT date_trunc('month', l."createdAt") AS cohort, SUM(-(e.delta + e."pendingDelta")) AS points
          FROM "LedgerEntry" e
          JOIN "PointLot" l ON l.id = substr(e."idempotencyKey", length('expire:') + 1)
         WHERE e."shopId" = ${shopId} AND e.kind = 'expire' AND e."idempotencyKey" LIKE 'expire:%'
         GROUP BY 1)
      SELECT to_char(lots.cohort, 'YYYY-MM') AS month,
             (COALESCE(lots.issued, 0) - COALESCE(copies.issued, 0))::bigint AS issued,
             COALESCE(expired.points, 0)::bigint AS expired, lots.outstanding::bigint AS outstanding
        FROM lots LEFT JOIN copies USING (cohort) LEFT JOIN expired USING (cohort)
       ORDER BY lots.cohort`,
  );
  return sums.map((sum) => ({
    month: sum.month,
    issued: fromBigInt(sum.issued),
    expired: fromBigInt(sum.expired),
    outstanding: fromBigInt(sum.outstanding),
  }));
}
