-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "newCustomerSegmentId" TEXT;

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "addressKeys" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "refereeDiscountId" TEXT,
ADD COLUMN     "refereeOfferKey" TEXT;

-- AlterTable
ALTER TABLE "Referral" ADD COLUMN     "redemptionId" TEXT,
ADD COLUMN     "reviewedAt" TIMESTAMP(3),
ALTER COLUMN "orderId" DROP NOT NULL,
ALTER COLUMN "qualifiesAt" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "Referral_orderId_idx" ON "Referral"("orderId");

-- CreateIndex
CREATE INDEX "Referral_shopId_createdAt_idx" ON "Referral"("shopId", "createdAt");

