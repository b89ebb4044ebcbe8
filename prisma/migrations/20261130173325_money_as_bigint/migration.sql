-- AlterTable
ALTER TABLE "Member" ALTER COLUMN "balance" SET DATA TYPE BIGINT,
ALTER COLUMN "pending" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "PointLot" ALTER COLUMN "amount" SET DATA TYPE BIGINT,
ALTER COLUMN "remaining" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "LedgerEntry" ALTER COLUMN "delta" SET DATA TYPE BIGINT,
ALTER COLUMN "pendingDelta" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "currencyCode" TEXT,
ALTER COLUMN "eligibleCents" SET DATA TYPE BIGINT,
ALTER COLUMN "pointsEarned" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "Redemption" ALTER COLUMN "pointsSpent" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "MemberImportRow" ALTER COLUMN "points" SET DATA TYPE BIGINT;


-- Line multipliers are counted in thousandths now, so a weighted amount is an integer: rescale
-- the lines of orders paid before (only their ratios matter, for refunds).
UPDATE "Order" o SET lines = (
  SELECT jsonb_agg(line || jsonb_build_object('weightedCents', round((line->>'weightedCents')::numeric * 1000)))
    FROM jsonb_array_elements(o.lines) AS line)
 WHERE jsonb_typeof(o.lines) = 'array' AND jsonb_array_length(o.lines) > 0;

-- Refunded amounts are kept as Shopify's decimal text and read in the order's currency; rows
-- from before held hundredths.
UPDATE "OrderRefund" r SET lines = (
  SELECT COALESCE(jsonb_agg(jsonb_build_object('lineItemId', line->>'lineItemId',
                                               'subtotal', round((line->>'subtotalCents')::numeric / 100, 2)::text)), '[]'::jsonb)
    FROM jsonb_array_elements(r.lines) AS line)
 WHERE jsonb_typeof(r.lines) = 'array';

-- An amount_spent tier change recorded currency units; the metric is thousandths of a unit now.
UPDATE "TierChange" t SET metric = metric * 1000
  FROM "Shop" s
 WHERE s.id = t."shopId" AND s.program->'tiers'->>'metric' = 'amount_spent';

ALTER TABLE "TierChange" ALTER COLUMN "metric" SET DATA TYPE BIGINT USING round(metric);
