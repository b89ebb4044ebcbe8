import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { rows } from "~/db/rows";
import type { Program } from "~/loyalty/program/program";
import { liabilityBasis, liabilityMinorUnits } from "./liability";

/** One partner's awards in one calendar month (UTC): what the merchant bills the partner for. */
export interface PartnerMonth {
  partnerId: string;
  partnerName: string;
  /** The month's first day, YYYY-MM. */
  month: string;
  points: number;
  membersReached: number;
  /** The points at the liability rate (the program's best money value per point), in minor units; null without one. */
  costMinorUnits: number | null;
}

export interface PartnerReport {
  months: PartnerMonth[];
  /** The reward the points are valued at (reports/liability.ts), or null when no reward has a money value. */
  basis: { rewardName: string; points: number; amountMinorUnits: number } | null;
}

const monthRow = z.object({
  partnerId: z.string(),
  partnerName: z.string(),
  month: z.string(),
  points: z.bigint(),
  members: z.bigint(),
});

/** Points issued per partner per month, newest month first, over the last `months` months. */
export async function partnerReport(
  db: PrismaClient,
  shopId: string,
  program: Program,
  currencyCode: string | null,
  now: Date,
  months = 12,
): Promise<PartnerReport> {
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
  const found = rows(
    monthRow,
    await db.$queryRaw`
      SELECT a."partnerId", p.name AS "partnerName", to_char(date_trunc('month', a."createdAt"), 'YYYY-MM') AS month,
             SUM(a.points)::bigint AS points, COUNT(DISTINCT a."memberId")::bigint AS members
        FROM "PartnerAward" a JOIN "Partner" p ON p.id = a."partnerId"
       WHERE a."shopId" = ${shopId} AND a."createdAt" >= ${since}
       GROUP BY a."partnerId", p.name, month
       ORDER BY month DESC, p.name ASC, a."partnerId" ASC`,
  );
  const basis = liabilityBasis(program, currencyCode);
  return {
    basis: basis && { rewardName: basis.rewardName, points: basis.points, amountMinorUnits: basis.amountMinorUnits },
    months: found.map((row) => ({
      partnerId: row.partnerId,
      partnerName: row.partnerName,
      month: row.month,
      points: Number(row.points),
      membersReached: Number(row.members),
      costMinorUnits: basis ? liabilityMinorUnits(Number(row.points), basis) : null,
    })),
  };
}
