import type { PrismaClient } from "@prisma/client";
import { stringify } from "csv-stringify/sync";
import type { Cause } from "~/loyalty/program/program";
import {
  assembleGivingReport,
  givingCsvRecords,
  rangeBounds,
  type GivingReport,
  type GivingSumRow,
  type MonthRange,
} from "./giving";

/**
 * What the shop owes each cause over a range of months (issue 24), in one statement scoped by shop
 * over the indexed columns: round-ups from Donation(shopId, donatedAt) — rows still counting, a
 * refund having lowered their amount already —, points from PointsDonation(shopId, createdAt). A
 * row without a currency is in the shop's.
 */
export async function givingReport(
  db: PrismaClient,
  shop: { id: string; currencyCode: string | null },
  causes: Pick<Cause, "id" | "name">[],
  range: MonthRange,
): Promise<GivingReport> {
  const { start, end } = rangeBounds(range);
  const sums = await db.$queryRaw<GivingSumRow[]>`
    WITH gifts AS (
      SELECT d."causeId", to_char(d."donatedAt", 'YYYY-MM') AS month,
             COALESCE(d."currencyCode", ${shop.currencyCode}::text) AS "currencyCode",
             d."amountCents" AS "roundUpMinor", 0::bigint AS points, 0::bigint AS "pointsValueMinor",
             -- One donor per customer however they gave; a guest without an account per order.
             COALESCE('c:' || COALESCE(d."shopifyCustomerId", m."shopifyCustomerId"), 'm:' || d."memberId",
                      'o:' || d."shopifyOrderId") AS donor
        FROM "Donation" d
        LEFT JOIN "Member" m ON m.id = d."memberId"
       WHERE d."shopId" = ${shop.id} AND d."donatedAt" >= ${start} AND d."donatedAt" < ${end} AND d.quantity > 0
      UNION ALL
      SELECT p."causeId", to_char(p."createdAt", 'YYYY-MM'),
             COALESCE(p."currencyCode", ${shop.currencyCode}::text),
             0::bigint, p.points::bigint, p."valueCents",
             COALESCE('c:' || m."shopifyCustomerId", 'm:' || p."memberId", 'p:' || p.id)
        FROM "PointsDonation" p
        LEFT JOIN "Member" m ON m.id = p."memberId"
       WHERE p."shopId" = ${shop.id} AND p."createdAt" >= ${start} AND p."createdAt" < ${end}
    )
    SELECT g."causeId", g.month, g."currencyCode",
           COALESCE(SUM(g."roundUpMinor"), 0)::bigint AS "roundUpMinor",
           COALESCE(SUM(g.points), 0)::bigint AS points,
           COALESCE(SUM(g."pointsValueMinor"), 0)::bigint AS "pointsValueMinor",
           COUNT(DISTINCT g.donor)::int AS donors
      FROM gifts g
     GROUP BY GROUPING SETS ((g."causeId", g.month, g."currencyCode"), (g."causeId", g."currencyCode"), ())`;
  return assembleGivingReport(range, causes, sums);
}

/** The remittance CSV: BOM for spreadsheets, cells starting with = + - @ quoted (csv-stringify's escape_formulas). */
export function givingCsv(report: GivingReport): string {
  return stringify(givingCsvRecords(report), { escape_formulas: true, bom: true });
}
