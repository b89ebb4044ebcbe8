-- CreateTable
CREATE TABLE "Referral" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "refereeCustomerId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'qualifying',
    "signals" JSONB NOT NULL DEFAULT '[]',
    "orderId" TEXT NOT NULL,
    "addressKey" TEXT,
    "qualifiesAt" TIMESTAMP(3) NOT NULL,
    "rewardedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Referral_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Referral_shopId_status_qualifiesAt_idx" ON "Referral"("shopId", "status", "qualifiesAt");

-- CreateIndex
CREATE INDEX "Referral_referrerId_rewardedAt_idx" ON "Referral"("referrerId", "rewardedAt");

-- CreateIndex
CREATE INDEX "Referral_shopId_addressKey_createdAt_idx" ON "Referral"("shopId", "addressKey", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Referral_shopId_refereeCustomerId_key" ON "Referral"("shopId", "refereeCustomerId");

-- AddForeignKey
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

