import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { fromBigInt } from "~/db/bigint";
import { rows } from "~/db/rows";
import type { Goal, Program } from "~/loyalty/program/program";
import { entryCost } from "~/loyalty/rewards/redemptions.server";
import type { LedgerSum } from "./accounting";
import {
  goalProgress,
  goalWindow,
  memberRevenueShare,
  redemptionRate,
  repeatRate,
  type GoalOrderSums,
  type GoalProgress,
} from "./goals";
import { EXPIRY_HORIZON_DAYS, insights, suggestedRewardSize, type Insight, type MemberSums } from "./insights";

/**
 * The goals' figures and the insights (issue 25, docs/goals.md): SQL over the shop's indexed
 * columns — orders by (shopId, placed or paid), the ledger by (shopId, createdAt), members by
 * (shopId, balance), lots by (shopId, expiresAt) — each statement covering every goal at once.
 */

const DAY_MS = 86_400_000;

const minorUnits = z
  .string()
  .regex(/^-?\d+$/)
  .transform(BigInt);
const orderFiguresRow = z.object({
  repeats: z.array(z.object({ goal: z.string(), buyers: z.number(), repeaters: z.number() })),
  money: z.array(
    z.object({
      goal: z.string(),
      currencyCode: z.string().nullable(),
      memberMinor: minorUnits,
      allMinor: minorUnits,
    }),
  ),
});
const ledgerRow = z.object({
  goal: z.string(),
  kind: z.string(),
  sourceType: z.string().nullable(),
  points: z.bigint(),
});

/** Each goal's value, progress and status at `now`; member revenue share in the shop's currency. */
export async function goalsProgress(
  db: PrismaClient,
  shopId: string,
  goals: Goal[],
  currencyCode: string | null,
  now: Date,
): Promise<GoalProgress[]> {
  const windows = goals
    .map((goal) => ({ goal, ...goalWindow(goal, now) }))
    .filter((window) => window.end > window.start);
  const valuesFor = (metrics: Goal["metric"][]) => {
    const chosen = windows.filter((window) => metrics.includes(window.goal.metric));
    return chosen.length
      ? Prisma.join(chosen.map((w) => Prisma.sql`(${w.goal.id}, ${w.start}::timestamp, ${w.end}::timestamp)`))
      : null;
  };
  const orderWindows = valuesFor(["repeat_rate", "member_revenue_share"]);
  const ledgerWindows = valuesFor(["redemption_rate"]);
  // Paid, not test, not cancelled orders placed in each goal's window, customers' and guests';
  // a member's when placed once they had joined (docs/roi.md).
  const ordersIn = (values: Prisma.Sql) => Prisma.sql`
    WITH g(goal, start, "end") AS (VALUES ${values}),
         o AS (SELECT g.goal, o."memberId", o."currencyCode", o."eligibleCents",
                      (m."createdAt" IS NOT NULL AND COALESCE(o."placedAt", o."paidAt") >= m."createdAt") AS member
                 FROM g
                 JOIN "Order" o ON o."shopId" = ${shopId} AND o."paidAt" IS NOT NULL AND NOT o.test AND o."cancelledAt" IS NULL
                               AND COALESCE(o."placedAt", o."paidAt") >= g.start AND COALESCE(o."placedAt", o."paidAt") < g."end"
                 LEFT JOIN "Member" m ON m.id = o."memberId")`;
  const [{ repeats, money }, ledger] = await Promise.all([
    // One pass over the windows' orders for both the repeat rates and the revenue shares.
    orderWindows
      ? db.$queryRaw<unknown[]>`
          ${ordersIn(orderWindows)},
               c AS (SELECT goal, "memberId", COUNT(*) AS orders FROM o WHERE member GROUP BY 1, 2)
          SELECT
            (SELECT COALESCE(json_agg(x), '[]') FROM (
               SELECT goal, COUNT(*)::int AS buyers, COUNT(*) FILTER (WHERE orders >= 2)::int AS repeaters
                 FROM c GROUP BY 1) x) AS repeats,
            (SELECT COALESCE(json_agg(x), '[]') FROM (
               SELECT goal, "currencyCode",
                      COALESCE(SUM("eligibleCents") FILTER (WHERE member), 0)::text AS "memberMinor",
                      COALESCE(SUM("eligibleCents"), 0)::text AS "allMinor"
                 FROM o GROUP BY 1, 2) x) AS money`.then((result) => orderFiguresRow.parse(result[0]))
      : { repeats: [], money: [] },
    ledgerWindows
      ? db.$queryRaw`
          WITH g(goal, start, "end") AS (VALUES ${ledgerWindows})
          SELECT g.goal, e.kind, e."sourceType", SUM(e.delta + e."pendingDelta")::bigint AS points
            FROM g
            JOIN "LedgerEntry" e ON e."shopId" = ${shopId} AND e."createdAt" >= g.start AND e."createdAt" < g."end"
           GROUP BY 1, 2, 3`.then((result) => rows(ledgerRow, result))
      : [],
  ]);

  return goals.map((goal) => {
    const repeat = repeats.find((row) => row.goal === goal.id);
    const orderSums: GoalOrderSums = {
      buyers: repeat?.buyers ?? 0,
      repeaters: repeat?.repeaters ?? 0,
      money: money.filter((row) => row.goal === goal.id),
    };
    // Which reward type a redemption bought does not change whether it counts as redeemed.
    const ledgerSums: LedgerSum[] = ledger
      .filter((row) => row.goal === goal.id)
      .map((row) => ({ kind: row.kind, sourceType: row.sourceType, rewardType: null, points: fromBigInt(row.points) }));
    const value =
      goal.metric === "repeat_rate"
        ? repeatRate(orderSums)
        : goal.metric === "redemption_rate"
          ? redemptionRate(ledgerSums)
          : memberRevenueShare(orderSums, currencyCode);
    return goalProgress(goal, value, now);
  });
}

const memberSumsRow = z.object({
  members: z.number(),
  medianBalance: z.bigint().nullable(),
  membersWithPoints: z.number(),
  neverRedeemed: z.number(),
});
const expiringRow = z.object({ points: z.bigint(), members: z.number() });

/** Members still linked to a customer (as the dashboard counts them). */
const activeMembers = (shopId: string) =>
  Prisma.sql`m."shopId" = ${shopId} AND m."deletedAt" IS NULL AND m."redactedAt" IS NULL`;

/** The insights the shop's figures support now (docs/goals.md lists them and their thresholds). */
export async function programInsights(
  db: PrismaClient,
  shopId: string,
  program: Program,
  now: Date,
): Promise<Insight[]> {
  const horizon = new Date(now.getTime() + EXPIRY_HORIZON_DAYS * DAY_MS);
  const [[memberRow], [expiringSums]] = await Promise.all([
    db.$queryRaw`
      SELECT COUNT(*)::int AS members,
             percentile_disc(0.5) WITHIN GROUP (ORDER BY m.balance)::bigint AS "medianBalance",
             COUNT(*) FILTER (WHERE m.balance > 0)::int AS "membersWithPoints",
             COUNT(*) FILTER (WHERE m.balance > 0 AND NOT EXISTS (
               SELECT 1 FROM "LedgerEntry" e WHERE e."memberId" = m.id AND e.kind = 'redeem'))::int AS "neverRedeemed"
        FROM "Member" m
       WHERE ${activeMembers(shopId)}`.then((result) => rows(memberSumsRow, result)),
    db.$queryRaw`
      SELECT COALESCE(SUM(remaining), 0)::bigint AS points, COUNT(DISTINCT "memberId")::int AS members
        FROM "PointLot"
       WHERE "shopId" = ${shopId} AND "expiresAt" >= ${now} AND "expiresAt" < ${horizon} AND remaining > 0 AND NOT held`.then(
      (result) => rows(expiringRow, result),
    ),
  ]);
  const sums: MemberSums = {
    members: memberRow?.members ?? 0,
    medianBalance: memberRow?.medianBalance == null ? null : fromBigInt(memberRow.medianBalance),
    membersWithPoints: memberRow?.membersWithPoints ?? 0,
    neverRedeemed: memberRow?.neverRedeemed ?? 0,
  };
  const costs = program.rewards.map(entryCost);
  const cheapestPoints = costs.length ? Math.min(...costs) : null;
  const suggested = suggestedRewardSize(sums, cheapestPoints);
  const reachableMembers =
    suggested === null
      ? null
      : rows(
          z.object({ members: z.number() }),
          await db.$queryRaw`
            SELECT COUNT(*) FILTER (WHERE m.balance >= ${suggested})::int AS members
              FROM "Member" m
             WHERE ${activeMembers(shopId)}`,
        )[0]!.members;
  return insights({
    sums,
    cheapestPoints,
    reachableMembers,
    expiring: { points: fromBigInt(expiringSums?.points ?? 0n), members: expiringSums?.members ?? 0 },
  });
}
