import { Prisma, type PrismaClient } from "@prisma/client";
import type { Holdout } from "~/loyalty/program/program";
import {
  holdoutEstimate,
  LATE_DELIVERY_DAYS,
  prePostEstimate,
  type HoldoutGroupRow,
  type HoldoutMoneyRow,
  type HoldoutStatus,
  type IncrementalityEstimate,
  type PrePostRow,
} from "./incrementality";

const DAY_MS = 86_400_000;

/** Where the holdout stands since it started, for its card. */
export async function holdoutStatus(
  db: PrismaClient,
  shopId: string,
  holdout: Holdout,
  now: Date,
): Promise<HoldoutStatus> {
  if (!holdout.startedAt) return { heldOut: 0, stillHeld: 0, firstHoldEnds: null };
  const [row] = await db.$queryRaw<{ heldOut: number; stillHeld: number; firstHoldEnds: Date | null }[]>`
    SELECT COUNT(*)::int AS "heldOut", COUNT(*) FILTER (WHERE "heldUntil" > ${now})::int AS "stillHeld",
           MIN("heldUntil") AS "firstHoldEnds"
      FROM "HoldoutCustomer" WHERE "shopId" = ${shopId} AND "createdAt" >= ${new Date(holdout.startedAt)}`;
  return { ...row!, firstHoldEnds: row?.firstHoldEnds?.toISOString() ?? null };
}

/** A paid order that counts: not a test, not cancelled; its time is when it was placed. */
const ORDER_AT = Prisma.sql`COALESCE(o."placedAt", o."paidAt")`;
const countedOrder = (shopId: string) =>
  Prisma.sql`o."shopId" = ${shopId} AND o."paidAt" IS NOT NULL AND NOT o.test AND o."cancelledAt" IS NULL`;

/**
 * The incrementality estimate (issue 25, docs/roi.md "Holdout and incrementality"): the holdout's
 * comparison when it has at least two customers with ended windows in each group, else the same
 * members before and after joining in `range` — labelled for what it is. Four statements over the
 * (shopId, shopifyCustomerId) and (shopId, createdAt) indexes.
 */
export async function incrementalityEstimate(
  db: PrismaClient,
  shopId: string,
  holdout: Holdout,
  range: { start: Date; end: Date },
  now: Date,
): Promise<IncrementalityEstimate> {
  const days = holdout.days;
  const window = Prisma.sql`make_interval(days => ${days}::int)`;
  const late = Prisma.sql`make_interval(days => ${LATE_DELIVERY_DAYS}::int)`;
  // Customers whose first `days` days have ended.
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  if (holdout.startedAt) {
    const startedAt = new Date(holdout.startedAt);
    // A holdout turned off ended with its last hold: members who joined later were never split.
    const periodEnd = holdout.enabled
      ? Prisma.sql`${now}::timestamp`
      : Prisma.sql`(SELECT MAX("createdAt") FROM "HoldoutCustomer" WHERE "shopId" = ${shopId} AND "createdAt" >= ${startedAt})`;
    const cohort = Prisma.sql`
      SELECT true AS held, h."shopifyCustomerId" AS customer, h."createdAt" AS seen FROM "HoldoutCustomer" h
       WHERE h."shopId" = ${shopId} AND h."createdAt" >= ${startedAt} AND h."createdAt" <= ${cutoff}
      UNION ALL
      SELECT false, m."shopifyCustomerId", m."createdAt" FROM "Member" m
       WHERE m."shopId" = ${shopId} AND m."shopifyCustomerId" IS NOT NULL AND m."createdAt" >= ${startedAt}
         AND m."createdAt" <= ${cutoff} AND m."createdAt" <= ${periodEnd}
         AND NOT EXISTS (SELECT 1 FROM "HoldoutCustomer" h WHERE h."shopId" = ${shopId} AND h."shopifyCustomerId" = m."shopifyCustomerId")`;
    // One row per customer and currency (a customer without orders: one row, no currency).
    const perCustomer = Prisma.sql`
      SELECT c.held, c.customer, o."currencyCode", COUNT(o.id) AS orders, COALESCE(SUM(o."eligibleCents"), 0)::float8 AS cents
        FROM c LEFT JOIN "Order" o ON ${countedOrder(shopId)} AND o."shopifyCustomerId" = c.customer
                                  AND ${ORDER_AT} >= c.seen - ${late} AND ${ORDER_AT} < c.seen + ${window}
       GROUP BY 1, 2, 3`;
    const [groups, money] = await Promise.all([
      db.$queryRaw<HoldoutGroupRow[]>`
        WITH c AS (${cohort}), p AS (${perCustomer}),
             t AS (SELECT held, customer, SUM(orders) AS orders FROM p GROUP BY 1, 2)
        SELECT held, COUNT(*)::int AS customers, COUNT(*) FILTER (WHERE orders >= 2)::int AS repeaters FROM t GROUP BY 1`,
      db.$queryRaw<HoldoutMoneyRow[]>`
        WITH c AS (${cohort}), p AS (${perCustomer})
        SELECT held, "currencyCode", SUM(cents)::float8 AS sum, SUM(cents * cents)::float8 AS "sumOfSquares"
          FROM p WHERE "currencyCode" IS NOT NULL GROUP BY 1, 2`,
    ]);
    const estimate = holdoutEstimate(groups, money, days);
    if (estimate) return estimate;
  }
  const joined = Prisma.sql`
    SELECT m."shopifyCustomerId" AS customer, m."createdAt" AS joined FROM "Member" m
     WHERE m."shopId" = ${shopId} AND m."shopifyCustomerId" IS NOT NULL
       AND m."createdAt" >= ${range.start} AND m."createdAt" < ${range.end} AND m."createdAt" <= ${cutoff}`;
  const [[counted], sums] = await Promise.all([
    db.$queryRaw<{ members: number }[]>`WITH j AS (${joined}) SELECT COUNT(*)::int AS members FROM j`,
    // Both windows are `days` long and move back by a day with the joining order (late deliveries).
    db.$queryRaw<PrePostRow[]>`
      WITH j AS (${joined}),
           d AS (SELECT j.customer, o."currencyCode",
                        COALESCE(SUM(o."eligibleCents") FILTER (WHERE ${ORDER_AT} < j.joined - ${late}), 0)::float8 AS before,
                        COALESCE(SUM(o."eligibleCents") FILTER (WHERE ${ORDER_AT} >= j.joined - ${late}), 0)::float8 AS after
                   FROM j JOIN "Order" o ON ${countedOrder(shopId)} AND o."shopifyCustomerId" = j.customer
                                        AND ${ORDER_AT} >= j.joined - ${late} - ${window} AND ${ORDER_AT} < j.joined - ${late} + ${window}
                  GROUP BY 1, 2)
      SELECT "currencyCode", SUM(before)::float8 AS before, SUM(after)::float8 AS after,
             SUM(after - before)::float8 AS sum, SUM((after - before) * (after - before))::float8 AS "sumOfSquares"
        FROM d GROUP BY 1`,
  ]);
  return prePostEstimate(counted?.members ?? 0, sums, days);
}
