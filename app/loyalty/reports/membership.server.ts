import { Prisma, type PrismaClient } from "@prisma/client";
import {
  assembleMonths,
  compareSpend,
  lastMonths,
  type MembershipFigures,
  type MonthCounts,
  type MonthRevenue,
  type SpendRow,
} from "./membership";

/**
 * The paid membership's figures for the admin (issue 22): members paying now, and for each of the
 * last 12 months (UTC) the memberships started, renewed and lapsed, churn, what was paid for them,
 * and how much members spend per order against everyone else. Read from MembershipTerm (one row per
 * unbroken membership), MembershipGrant (one per paid line of a plan) and PaidMembership.
 */
export async function membershipFigures(
  db: PrismaClient,
  shopId: string,
  options: { graceDays: number; now: Date },
): Promise<MembershipFigures> {
  const months = lastMonths(options.now);
  const from = months[0]!;
  const { now } = options;
  const monthOf = (value: Prisma.Sql) => Prisma.sql`to_char(date_trunc('month', ${value}), 'YYYY-MM')`;
  // When a membership ends for good: its last paidThrough plus the grace.
  const endOf = (term: string) =>
    Prisma.sql`${Prisma.raw(`${term}."paidThrough"`)} + make_interval(days => ${options.graceDays}::int)`;
  const orderAt = Prisma.sql`COALESCE(o."placedAt", o."paidAt")`;

  const [active, started, renewed, lapsed, activeAtStart, revenue, spend] = await Promise.all([
    db.$queryRaw<{ count: number }[]>`
      SELECT COUNT(*)::int AS count FROM "PaidMembership"
       WHERE "shopId" = ${shopId} AND status IN ('active', 'grace')`,
    db.$queryRaw<MonthCounts[]>`
      SELECT ${monthOf(Prisma.sql`t."startedAt"`)} AS month, COUNT(*)::int AS count FROM "MembershipTerm" t
       WHERE t."shopId" = ${shopId} AND t."startedAt" >= ${from} AND t."startedAt" <= ${now} GROUP BY 1`,
    // A paid line that started no membership extended one (a term begins when its first line was paid).
    db.$queryRaw<MonthCounts[]>`
      SELECT ${monthOf(Prisma.sql`g."paidAt"`)} AS month, COUNT(*)::int AS count FROM "MembershipGrant" g
       WHERE g."shopId" = ${shopId} AND g."paidAt" >= ${from} AND g."paidAt" <= ${now} AND g.quantity > 0
         AND NOT EXISTS (SELECT 1 FROM "MembershipTerm" t WHERE t."memberId" = g."memberId" AND t."startedAt" = g."paidAt")
       GROUP BY 1`,
    // A term is one unbroken membership: once its end has passed, it lapsed then.
    db.$queryRaw<MonthCounts[]>`
      SELECT ${monthOf(endOf("t"))} AS month, COUNT(*)::int AS count FROM "MembershipTerm" t
       WHERE t."shopId" = ${shopId} AND ${endOf("t")} >= ${from} AND ${endOf("t")} <= ${now}
       GROUP BY 1`,
    db.$queryRaw<MonthCounts[]>`
      SELECT to_char(m.start, 'YYYY-MM') AS month, COUNT(t.id)::int AS count
        FROM unnest(${months.map((month) => month.toISOString())}::timestamptz[]) AS m(start)
        JOIN "MembershipTerm" t ON t."shopId" = ${shopId} AND t."startedAt" < (m.start AT TIME ZONE 'UTC')
                               AND ${endOf("t")} >= (m.start AT TIME ZONE 'UTC')
       GROUP BY 1`,
    // Refunded units no longer count: a line's amount in proportion to the units still counting.
    db.$queryRaw<MonthRevenue[]>`
      SELECT ${monthOf(Prisma.sql`g."paidAt"`)} AS month, g."currencyCode",
             COALESCE(SUM(g."amountCents" * g.quantity / NULLIF(g.bought, 0)), 0)::bigint AS "minorUnits"
        FROM "MembershipGrant" g
       WHERE g."shopId" = ${shopId} AND g."paidAt" >= ${from} AND g."paidAt" <= ${now} AND g.quantity > 0
       GROUP BY 1, 2`,
    // Paid orders of these months: placed while the customer paid for the membership (or in its grace), or not.
    db.$queryRaw<SpendRow[]>`
      SELECT EXISTS (SELECT 1 FROM "MembershipTerm" t
                      WHERE t."memberId" = o."memberId" AND t."startedAt" <= ${orderAt} AND ${endOf("t")} >= ${orderAt}) AS paying,
             o."currencyCode", COUNT(*)::int AS orders, COALESCE(SUM(o."eligibleCents"), 0)::bigint AS "minorUnits"
        FROM "Order" o
       WHERE o."shopId" = ${shopId} AND o."paidAt" IS NOT NULL AND NOT o.test AND o."cancelledAt" IS NULL
         AND ${orderAt} >= ${from} AND ${orderAt} <= ${now}
       GROUP BY 1, 2`,
  ]);
  return {
    activeMembers: active[0]?.count ?? 0,
    months: assembleMonths(months, { started, renewed, lapsed, activeAtStart, revenue }),
    spend: compareSpend(spend),
  };
}
