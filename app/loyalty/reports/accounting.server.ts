import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { fromBigInt } from "~/db/bigint";
import { rows } from "~/db/rows";
import { monthsBetween, rollForward, type LedgerSum, type RollForwardMonth } from "./accounting";

const sumRow = z.object({
  month: z.string(),
  kind: z.string(),
  sourceType: z.string().nullable(),
  rewardType: z.string().nullable(),
  points: z.bigint(),
});

const storedSums = z.array(
  z.object({
    kind: z.string(),
    sourceType: z.string().nullable(),
    rewardType: z.string().nullable(),
    points: z.string().regex(/^-?\d+$/),
  }),
);

const DAY_MS = 86_400_000;

const monthStart = (month: string) => new Date(`${month}-01T00:00:00.000Z`);
const nextMonthStart = (month: string) => {
  const start = monthStart(month);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
};
const monthOf = (at: Date) => at.toISOString().slice(0, 7);

/**
 * The first month that is still open at `now`: a month is closed once it ended more than a day ago —
 * an entry is stamped by the database's clock when its statement runs, and no transaction that
 * began before a month's end is still writing a day later.
 */
export function firstOpenMonth(now: Date): string {
  return monthOf(new Date(now.getTime() - DAY_MS));
}

/**
 * The ledger's sums of [from, to) per month, by kind, source and, for redemptions, the reward's
 * type: one statement over the ledger's (shopId, createdAt) index. Redemption entries are summed
 * apart so that only they are joined to their redemption.
 */
async function ledgerSums(db: PrismaClient, shopId: string, from: Date, to: Date) {
  const month = Prisma.sql`to_char(date_trunc('month', e."createdAt"), 'YYYY-MM')`;
  const points = Prisma.sql`SUM(e.delta + e."pendingDelta")::bigint`;
  const inRange = Prisma.sql`e."shopId" = ${shopId} AND e."createdAt" >= ${from} AND e."createdAt" < ${to}`;
  return rows(
    sumRow,
    await db.$queryRaw`
      SELECT ${month} AS month, e.kind, e."sourceType", NULL::text AS "rewardType", ${points} AS points
        FROM "LedgerEntry" e
       WHERE ${inRange} AND e."sourceType" IS DISTINCT FROM 'redemption'
       GROUP BY date_trunc('month', e."createdAt"), e.kind, e."sourceType"
      UNION ALL
      SELECT ${month}, e.kind, e."sourceType", r.reward->>'type', ${points}
        FROM "LedgerEntry" e LEFT JOIN "Redemption" r ON r.id = e."sourceId"
       WHERE ${inRange} AND e."sourceType" = 'redemption'
       GROUP BY date_trunc('month', e."createdAt"), e.kind, e."sourceType", r.reward->>'type'`,
  );
}

const toLedgerSum = (sum: { kind: string; sourceType: string | null; rewardType: string | null; points: bigint }) => ({
  kind: sum.kind,
  sourceType: sum.sourceType,
  rewardType: sum.rewardType,
  points: fromBigInt(sum.points),
});

/**
 * Every month's sums up to `end`: closed months from LedgerMonthClose — the ones not kept yet summed
 * from the ledger in one statement and kept (a concurrent reader keeping the same month first wins;
 * both computed the same) —, the open months from the ledger.
 */
async function monthlySums(db: PrismaClient, shopId: string, end: Date, now: Date) {
  const byMonth = new Map<string, LedgerSum[]>();
  const add = (month: string, sum: LedgerSum) => byMonth.set(month, [...(byMonth.get(month) ?? []), sum]);
  const [first] = await db.ledgerEntry.findMany({
    where: { shopId, createdAt: { lt: end } },
    orderBy: { createdAt: "asc" },
    select: { createdAt: true },
    take: 1,
  });
  if (!first) return byMonth;
  const openFrom = monthStart(firstOpenMonth(now));
  const closedEnd = openFrom < end ? openFrom : end;
  const kept = await db.ledgerMonthClose.findMany({
    where: { shopId, month: { lt: closedEnd } },
    select: { month: true, sums: true },
  });
  const keptMonths = new Set(kept.map((row) => monthOf(row.month)));
  for (const row of kept) {
    for (const sum of storedSums.parse(row.sums))
      add(monthOf(row.month), { ...sum, points: fromBigInt(BigInt(sum.points)) });
  }
  // An empty list when even the first entry's month is still open.
  const missing = monthsBetween(monthOf(first.createdAt), monthOf(new Date(closedEnd.getTime() - 1))).filter(
    (month) => !keptMonths.has(month),
  );
  if (missing.length) {
    const sums = await ledgerSums(db, shopId, monthStart(missing[0]!), nextMonthStart(missing.at(-1)!));
    const data = missing.map((month) => ({
      shopId,
      month: monthStart(month),
      sums: sums
        .filter((sum) => sum.month === month)
        .map((sum) => ({ ...toLedgerSum(sum), points: sum.points.toString() })),
    }));
    await db.ledgerMonthClose.createMany({ data, skipDuplicates: true });
    for (const sum of sums) if (!keptMonths.has(sum.month)) add(sum.month, toLedgerSum(sum));
  }
  if (closedEnd < end) for (const sum of await ledgerSums(db, shopId, closedEnd, end)) add(sum.month, toLedgerSum(sum));
  return byMonth;
}

/**
 * The shop's points roll-forward from `from` to `to` (months, UTC): the opening is every month's
 * sums before `from`, then each month of the range by kind, source and, for redemptions, the
 * reward's type. Closed months are read from what was kept of them (monthlySums).
 */
export async function pointsRollForward(
  db: PrismaClient,
  shopId: string,
  range: { from: string; to: string },
  now = new Date(),
): Promise<RollForwardMonth[]> {
  const byMonth = await monthlySums(db, shopId, nextMonthStart(range.to), now);
  let opening = 0;
  for (const [month, sums] of byMonth) {
    if (month < range.from) opening += sums.reduce((total, sum) => total + sum.points, 0);
  }
  return rollForward(opening, monthsBetween(range.from, range.to), byMonth);
}
