import type { PrismaClient } from "@prisma/client";
import { rows } from "~/db/rows";
import { rangeBounds, type MonthRange } from "./giving";
import { assembleProgramCost, programCostRow, type ProgramCost } from "./program-cost";

/**
 * What the program cost over a range of months (issue 25, docs/accounting.md), in one statement
 * scoped by shop over indexed columns: discounts Tally is behind on paid orders from
 * OrderDiscount(shopId, placedAt) — the order still paid, not a test, not cancelled —, store credit
 * credited from Redemption(shopId, createdAt), Tally's usage fees from UsageCharge(shopId, usedAt)
 * in their own currency. A row without a currency is in the shop's.
 */
export async function programCost(
  db: PrismaClient,
  shop: { id: string; currencyCode: string | null },
  range: MonthRange,
): Promise<ProgramCost> {
  const { start, end } = rangeBounds(range);
  const sums = rows(
    programCostRow,
    await db.$queryRaw`
    SELECT to_char(d."placedAt", 'YYYY-MM') AS month, COALESCE(d."currencyCode", ${shop.currencyCode}::text) AS "currencyCode",
           d.kind AS source, SUM(d."amountCents")::bigint AS "minorUnits"
      FROM "OrderDiscount" d
      JOIN "Order" o ON o."shopId" = d."shopId" AND o."shopifyOrderId" = d."shopifyOrderId"
     WHERE d."shopId" = ${shop.id} AND d."placedAt" >= ${start} AND d."placedAt" < ${end}
       AND o."paidAt" IS NOT NULL AND NOT o.test AND o."cancelledAt" IS NULL
     GROUP BY 1, 2, 3
    UNION ALL
    -- Store credit Shopify credited (active, then used): not pending, failed or reversed.
    SELECT to_char(r."createdAt", 'YYYY-MM'), COALESCE(r."storeCreditCurrency", ${shop.currencyCode}::text),
           'store_credit', SUM(r."storeCreditAmount")::bigint
      FROM "Redemption" r
     WHERE r."shopId" = ${shop.id} AND r."createdAt" >= ${start} AND r."createdAt" < ${end}
       AND r."storeCreditAmount" IS NOT NULL AND r.status IN ('active', 'used')
     GROUP BY 1, 2
    UNION ALL
    -- Fees billed, or queued to be: not the ones Shopify will never bill (unbilled).
    SELECT to_char(u."usedAt", 'YYYY-MM'), u."currencyCode", 'usage_fee', SUM(u.amount)::bigint
      FROM "UsageCharge" u
     WHERE u."shopId" = ${shop.id} AND u."usedAt" >= ${start} AND u."usedAt" < ${end}
       AND u.status IN ('billed', 'queued')
     GROUP BY 1, 2`,
  );
  return assembleProgramCost(range, sums);
}
