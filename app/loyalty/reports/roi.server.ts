import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
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

const minorUnits = z
  .string()
  .regex(/^-?\d+$/)
  .transform(BigInt);
const customerFiguresRow = z.object({
  groups: z.array(
    z.object({
      member: z.boolean(),
      customers: z.number().int(),
      orders: z.number().int(),
      repeaters: z.number().int(),
      retentionBase: z.number().int(),
      retained: z.number().int(),
    }),
  ) satisfies z.ZodType<GroupRow[]>,
  money: z.array(
    z.object({
      member: z.boolean(),
      currencyCode: z.string().nullable(),
      customers: z.number().int(),
      orders: z.number().int(),
      minorUnits,
    }),
  ) satisfies z.ZodType<GroupMoneyRow[]>,
  beforeAfter: z.array(
    z.object({
      currencyCode: z.string().nullable(),
      members: z.number().int(),
      beforeMinor: minorUnits,
      afterMinor: minorUnits,
      beforeDays: z.number(),
      afterDays: z.number(),
    }),
  ) satisfies z.ZodType<BeforeAfterRow[]>,
  cohortOrders: z.array(
    z.object({ cohort: z.string(), offset: z.number().int(), members: z.number().int() }),
  ) satisfies z.ZodType<CohortOrderRow[]>,
});

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

  const [customerFigures, sizes] = await Promise.all([
    // One pass over the range's orders: each customer's orders per currency (c, kept once), and from
    // it the groups' counts, their money and the same members before and after joining.
    db.$queryRaw<unknown[]>`
      WITH o AS (${orders}),
           c AS MATERIALIZED (
             SELECT member, customer, joined, "currencyCode", COUNT(*) AS orders, SUM("eligibleCents") AS cents,
                    MIN(at) AS first, (array_agg(at ORDER BY at))[2] AS second,
                    -- The months (as month numbers) a member ordered in after joining: the retention curves.
                    array_agg(DISTINCT ${monthIndex(Prisma.sql`at`)}) FILTER (WHERE member) AS months
               FROM o GROUP BY member, customer, joined, "currencyCode"),
           -- A customer's first and second order whatever the currency: no look-up per customer.
           g AS (SELECT member, customer, SUM(orders) AS orders, MIN(first) AS first,
                        LEAST(MIN(second), (array_agg(first ORDER BY first))[2]) AS second
                   FROM c GROUP BY 1, 2),
           -- Members with orders in the range both before and after joining: each watched from the
           -- range's start to joining, and from joining to the range's end.
           p AS (SELECT customer, joined, "currencyCode",
                        SUM(cents) FILTER (WHERE NOT member) AS before, SUM(cents) FILTER (WHERE member) AS after
                   FROM c WHERE joined IS NOT NULL GROUP BY 1, 2, 3
                 HAVING bool_or(member) AND bool_or(NOT member))
      SELECT
        (SELECT COALESCE(json_agg(x), '[]') FROM (
           SELECT member, COUNT(*)::int AS customers, COALESCE(SUM(orders), 0)::int AS orders,
                  COUNT(*) FILTER (WHERE orders >= 2)::int AS repeaters,
                  COUNT(*) FILTER (WHERE first + ${window} <= ${end})::int AS "retentionBase",
                  COUNT(*) FILTER (WHERE first + ${window} <= ${end} AND second <= first + ${window})::int AS retained
             FROM g GROUP BY 1) x) AS groups,
        (SELECT COALESCE(json_agg(x), '[]') FROM (
           SELECT member, "currencyCode", COUNT(*)::int AS customers, SUM(orders)::int AS orders,
                  COALESCE(SUM(cents), 0)::text AS "minorUnits"
             FROM c GROUP BY 1, 2) x) AS money,
        (SELECT COALESCE(json_agg(x), '[]') FROM (
           SELECT "currencyCode", COUNT(*)::int AS members,
                  SUM(before)::text AS "beforeMinor", SUM(after)::text AS "afterMinor",
                  (SUM(EXTRACT(EPOCH FROM (joined - ${start}::timestamp))) / 86400)::float8 AS "beforeDays",
                  (SUM(EXTRACT(EPOCH FROM (${end}::timestamp - joined))) / 86400)::float8 AS "afterDays"
             FROM p GROUP BY 1) x) AS "beforeAfter",
        -- A member who joined in the range counts once per month after their join month in which they ordered.
        (SELECT COALESCE(json_agg(x), '[]') FROM (
           SELECT to_char(joined, 'YYYY-MM') AS cohort, month - ${monthIndex(Prisma.sql`joined`)} AS "offset",
                  COUNT(DISTINCT customer)::int AS members
             FROM c CROSS JOIN LATERAL unnest(c.months) AS month
            WHERE member AND joined >= ${start} AND month > ${monthIndex(Prisma.sql`joined`)}
            GROUP BY 1, 2) x) AS "cohortOrders"`,
    db.$queryRaw<CohortSizeRow[]>`
      SELECT to_char(m."createdAt", 'YYYY-MM') AS cohort, COUNT(*)::int AS members
        FROM "Member" m
       WHERE m."shopId" = ${shopId} AND m."createdAt" >= ${start} AND m."createdAt" < ${end}
       GROUP BY 1`,
  ]);
  const { groups, money, beforeAfter, cohortOrders } = customerFiguresRow.parse(customerFigures[0]);
  return {
    range,
    members: groupFigures(groups, money, true),
    others: groupFigures(groups, money, false),
    cohorts: assembleCohorts(range, sizes, cohortOrders),
    beforeAfter: assembleBeforeAfter(beforeAfter),
  };
}
