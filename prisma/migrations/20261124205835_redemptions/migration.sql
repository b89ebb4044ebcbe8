-- CreateEnum
CREATE TYPE "RedemptionStatus" AS ENUM ('pending', 'active', 'used', 'expired', 'failed');

-- CreateTable
CREATE TABLE "Redemption" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "requestKey" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "reward" JSONB NOT NULL,
    "pointsSpent" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "status" "RedemptionStatus" NOT NULL DEFAULT 'pending',
    "shopifyDiscountId" TEXT,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "usedOnOrderId" TEXT,
    "failureReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Redemption_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Redemption_memberId_createdAt_idx" ON "Redemption"("memberId", "createdAt");

-- CreateIndex
CREATE INDEX "Redemption_status_endsAt_idx" ON "Redemption"("status", "endsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shopId_code_key" ON "Redemption"("shopId", "code");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shopId_requestKey_key" ON "Redemption"("shopId", "requestKey");

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

