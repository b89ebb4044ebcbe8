-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "storeCreditCheckedAt" TIMESTAMP(3),
ADD COLUMN     "storeCreditEnabled" BOOLEAN;

-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN     "storeCreditAmount" BIGINT,
ADD COLUMN     "storeCreditCurrency" TEXT,
ADD COLUMN     "storeCreditExpiresAt" TIMESTAMP(3),
ADD COLUMN     "storeCreditTransactionId" TEXT;

-- A store credit redemption states a positive amount together with its currency, or neither.
ALTER TABLE "Redemption"
  ADD CONSTRAINT "Redemption_storeCredit_check" CHECK (
    ("storeCreditAmount" IS NULL AND "storeCreditCurrency" IS NULL)
    OR ("storeCreditAmount" > 0 AND "storeCreditCurrency" IS NOT NULL)
  );
