-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "referralCode" TEXT;

-- CreateTable
CREATE TABLE "ReferralVisit" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "sourceHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReferralVisit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReferralVisit_shopId_code_createdAt_idx" ON "ReferralVisit"("shopId", "code", "createdAt");

-- CreateIndex
CREATE INDEX "ReferralVisit_shopId_sourceHash_createdAt_idx" ON "ReferralVisit"("shopId", "sourceHash", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Member_shopId_referralCode_key" ON "Member"("shopId", "referralCode");

-- AddForeignKey
ALTER TABLE "ReferralVisit" ADD CONSTRAINT "ReferralVisit_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

