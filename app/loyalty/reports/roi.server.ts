import { Prisma, type PrismaClient } from "@prisma/client";
import type { MonthRange } from "./giving";
import {
  assembleBeforeAfter,
  assembleCohorts,
  groupFigures,
  roiBounds,
  RETENTION_DAYS,
  type BeforeAfterRow,
  type CohortOrderRow,
  type CohortSizeRow,
  type GroupMoneyRow,
  type GroupRow,
  type RoiFigures,
} from "./roi";

/**
 * The ROI figures (issue 25, docs/roi.md) over a range of months: members' orders against the
 * orders customers placed while not members (guests apart), retention by join month, and the same
 * members' revenue before and after joining. Every sum is SQL over the orders' (shopId, placed or
 * paid) index.
 */
export async function roiFigures(db: PrismaClient, shopId: string, range: MonthRange, now: Date): Promise<RoiFigures> {
  const { start, end } = roiBounds(range, now);
  // Paid, not test, not cancelled, placed in the range, by a customer (a member, or a customer Tally has not enrolled).
  const orders = Prisma.sql`
    SELECT COALESCE(o."memberId", 'customer:' || o."shopifyCustomerId") AS customer,
           m."createdAt" AS joined,
           (m."createdAt" IS NOT NULL AND COALESCE(o."placedAt", o."paidAt") >= m."createdAt") AS member,
           COALESCE(o."placedAt", o."paidAt") AS at, o."currencyCode", o."eligibleCents"
      FROM "Order" o LEFT JOIN "Member" m ON m.id = o."memberId"
     WHERE o."shopId" = ${shopId} AND o."paidAt" IS NOT NULL AND NOT o.test AND o."cancelledAt" IS NULL
       AND (o."memberId" IS NOT NULL OR o."shopifyCustomerId" IS NOT NULL)
       AND COALESCE(o."placedAt", o."paidAt") >= ${start} AND COALESCE(o."placedAt", o."paidAt") < ${end}`;
  const window = Prisma.sql`make_interval(days => ${RETENTION_DAYS}::int)`;
  const monthIndex = (value: Prisma.Sql) =>
    Prisma.sql`(EXTRACT(YEAR FROM ${value}) * 12 + EXTRACT(MONTH FROM ${value}))::int`;

  const [groups, money, sizes, cohortOrders, beforeAfter] = await Promise.all([
    db.$queryRaw<GroupRow[]>`
      WITH o AS (${orders}),
           -- Each customer's first and second order in the group: no look-up per customer.
           c AS (SELECT member, customer, COUNT(*) AS orders, (array_agg(at ORDER BY at))[1:2] AS firsts
                   FROM o GROUP BY 1, 2)
      SELECT c.member, COUNT(*)::int AS customers, COALESCE(SUM(c.orders), 0)::int AS orders,
             COUNT(*) FILTER (WHERE c.orders >= 2)::int AS repeaters,
             COUNT(*) FILTER (WHERE c.firsts[1] + ${window} <= ${end})::int AS "retentionBase",
             COUNT(*) FILTER (WHERE c.firsts[1] + ${window} <= ${end} AND c.firsts[2] <= c.firsts[1] + ${window})::int AS retained
        FROM c GROUP BY 1`,
    db.$queryRaw<GroupMoneyRow[]>`
      WITH o AS (${orders}),
           -- One row per customer and currency first: cheaper than COUNT(DISTINCT) at scale.
           c AS (SELECT member, customer, "currencyCode", COUNT(*) AS orders, SUM("eligibleCents") AS cents
                   FROM o GROUP BY 1, 2, 3)
      SELECT member, "currencyCode", COUNT(*)::int AS customers, SUM(orders)::int AS orders,
             COALESCE(SUM(cents), 0)::bigint AS "minorUnits"
        FROM c GROUP BY 1, 2`,
    db.$queryRaw<CohortSizeRow[]>`
      SELECT to_char(m."createdAt", 'YYYY-MM') AS cohort, COUNT(*)::int AS members
        FROM "Member" m
       WHERE m."shopId" = ${shopId} AND m."createdAt" >= ${start} AND m."createdAt" < ${end}
       GROUP BY 1`,
    // A member counts once per month after their join month in which they placed an order.
    db.$queryRaw<CohortOrderRow[]>`
      SELECT to_char(m."createdAt", 'YYYY-MM') AS cohort,
             ${monthIndex(Prisma.sql`COALESCE(o."placedAt", o."paidAt")`)} - ${monthIndex(Prisma.sql`m."createdAt"`)} AS "offset",
             COUNT(DISTINCT m.id)::int AS members
        FROM "Member" m
        JOIN "Order" o ON o."memberId" = m.id AND o."paidAt" IS NOT NULL AND NOT o.test AND o."cancelledAt" IS NULL
                      AND COALESCE(o."placedAt", o."paidAt") >= m."createdAt" AND COALESCE(o."placedAt", o."paidAt") < ${end}
       WHERE m."shopId" = ${shopId} AND m."createdAt" >= ${start} AND m."createdAt" < ${end}
       GROUP BY 1, 2
      HAVING ${monthIndex(Prisma.sql`COALESCE(o."placedAt", o."paidAt")`)} - ${monthIndex(Prisma.sql`m."createdAt"`)} >= 1`,
    // Members with orders in the range both before and after joining: each watched from the range's
    // start to joining, and from joining to the range's end.
    db.$queryRaw<BeforeAfterRow[]>`
      WITH o AS (${orders}),
           p AS (SELECT customer, joined, "currencyCode",
                        SUM("eligibleCents") FILTER (WHERE NOT member) AS before,
                        SUM("eligibleCents") FILTER (WHERE member) AS after
                   FROM o WHERE joined IS NOT NULL GROUP BY 1, 2, 3
                 HAVING bool_or(member) AND bool_or(NOT member))
      SELECT "currencyCode", COUNT(*)::int AS members,
             SUM(before)::bigint AS "beforeMinor", SUM(after)::bigint AS "afterMinor",
             (SUM(EXTRACT(EPOCH FROM (joined - ${start}::timestamp))) / 86400)::float8 AS "beforeDays",
             (SUM(EXTRACT(EPOCH FROM (${end}::timestamp - joined))) / 86400)::float8 AS "afterDays"
        FROM p GROUP BY 1`,
  ]);
  return {
    range,
    members: groupFigures(groups, money, true),
    others: groupFigures(groups, money, false),
    cohorts: assembleCohorts(range, sizes, cohortOrders),
    beforeAfter: assembleBeforeAfter(beforeAfter),
  };
}
