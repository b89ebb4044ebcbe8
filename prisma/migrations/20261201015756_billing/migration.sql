-- Billing (docs/billing.md): the shop's app subscriptions and one usage charge per reward used.
-- Stored unions are checked as everywhere (test/stored-values.test.ts).

-- CreateTable
CREATE TABLE "AppSubscription" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "test" BOOLEAN NOT NULL,
    "usageLineItemId" TEXT,
    "currencyCode" TEXT NOT NULL,
    "cappedAmount" BIGINT NOT NULL,
    "balanceUsed" BIGINT NOT NULL DEFAULT 0,
    "currentPeriodEnd" TIMESTAMP(3),
    "confirmationUrl" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AppSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageCharge" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "redemptionId" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "unbilledReason" TEXT,
    "subscriptionId" TEXT,
    "shopifyRecordId" TEXT,
    "usedAt" TIMESTAMP(3) NOT NULL,
    "billedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageCharge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AppSubscription_shopId_createdAt_idx" ON "AppSubscription"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "UsageCharge_shopId_usedAt_idx" ON "UsageCharge"("shopId", "usedAt");

-- CreateIndex
CREATE UNIQUE INDEX "UsageCharge_shopId_redemptionId_key" ON "UsageCharge"("shopId", "redemptionId");

-- AddForeignKey
ALTER TABLE "AppSubscription" ADD CONSTRAINT "AppSubscription_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageCharge" ADD CONSTRAINT "UsageCharge_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;


ALTER TABLE "AppSubscription" ADD CONSTRAINT "AppSubscription_status_check"
  CHECK (status IN ('PENDING', 'ACTIVE', 'DECLINED', 'EXPIRED', 'FROZEN', 'CANCELLED'));
ALTER TABLE "AppSubscription" ADD CONSTRAINT "AppSubscription_amounts_check"
  CHECK ("cappedAmount" >= 0 AND "balanceUsed" >= 0);
ALTER TABLE "UsageCharge" ADD CONSTRAINT "UsageCharge_status_check"
  CHECK (status IN ('queued', 'billed', 'unbilled'));
ALTER TABLE "UsageCharge" ADD CONSTRAINT "UsageCharge_unbilledReason_check"
  CHECK ("unbilledReason" IN ('cap_reached', 'no_subscription', 'refused', 'failed'));
ALTER TABLE "UsageCharge" ADD CONSTRAINT "UsageCharge_amount_check" CHECK (amount > 0);
