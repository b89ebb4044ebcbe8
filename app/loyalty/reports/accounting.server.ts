import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { fromBigInt } from "~/db/bigint";
import { rows } from "~/db/rows";
import { monthsBetween, rollForward, type LedgerSum, type RollForwardMonth } from "./accounting";

const sumRow = z.object({
  month: z.string().nullable(),
  kind: z.string(),
  sourceType: z.string().nullable(),
  rewardType: z.string().nullable(),
  points: z.bigint(),
});

const monthStart = (month: string) => new Date(`${month}-01T00:00:00.000Z`);
const nextMonthStart = (month: string) => {
  const start = monthStart(month);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
};

/**
 * The shop's points roll-forward from `from` to `to` (months, UTC): one statement over the ledger's
 * (shopId, createdAt) index — the sums before `from` (month null: the opening) and per month of the
 * range, by kind, source and, for redemptions, the reward's type.
 */
export async function pointsRollForward(
  db: PrismaClient,
  shopId: string,
  range: { from: string; to: string },
): Promise<RollForwardMonth[]> {
  const start = monthStart(range.from);
  const end = nextMonthStart(range.to);
  const sums = rows(
    sumRow,
    await db.$queryRaw`
      SELECT CASE WHEN e."createdAt" < ${start} THEN NULL ELSE to_char(e."createdAt", 'YYYY-MM') END AS month,
             e.kind, e."sourceType", r.reward->>'type' AS "rewardType", SUM(e.delta + e."pendingDelta")::bigint AS points
        FROM "LedgerEntry" e
        LEFT JOIN "Redemption" r ON e."sourceType" = 'redemption' AND r.id = e."sourceId"
       WHERE e."shopId" = ${shopId} AND e."createdAt" < ${end}
       GROUP BY 1, 2, 3, 4`,
  );
  const opening = sums.filter((sum) => sum.month === null).reduce((total, sum) => total + fromBigInt(sum.points), 0);
  const byMonth = new Map<string, LedgerSum[]>();
  for (const sum of sums) {
    if (sum.month === null) continue;
    const list = byMonth.get(sum.month) ?? [];
    list.push({
      kind: sum.kind,
      sourceType: sum.sourceType,
      rewardType: sum.rewardType,
      points: fromBigInt(sum.points),
    });
    byMonth.set(sum.month, list);
  }
  return rollForward(opening, monthsBetween(range.from, range.to), byMonth);
}
