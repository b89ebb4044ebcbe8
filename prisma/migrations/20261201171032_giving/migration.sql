-- CreateTable
CREATE TABLE "Donation" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "causeId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "memberId" TEXT,
    "shopifyCustomerId" TEXT,
    "donatedAt" TIMESTAMP(3) NOT NULL,
    "bought" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "amountCents" BIGINT NOT NULL,
    "currencyCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Donation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PointsDonation" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT,
    "requestKey" TEXT NOT NULL,
    "causeId" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "valueCents" BIGINT NOT NULL,
    "currencyCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PointsDonation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Donation_shopId_donatedAt_idx" ON "Donation"("shopId", "donatedAt");

-- CreateIndex
CREATE INDEX "Donation_memberId_donatedAt_idx" ON "Donation"("memberId", "donatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Donation_shopId_shopifyOrderId_lineItemId_key" ON "Donation"("shopId", "shopifyOrderId", "lineItemId");

-- CreateIndex
CREATE INDEX "PointsDonation_shopId_createdAt_idx" ON "PointsDonation"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "PointsDonation_memberId_createdAt_idx" ON "PointsDonation"("memberId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PointsDonation_shopId_requestKey_key" ON "PointsDonation"("shopId", "requestKey");

-- AddForeignKey
ALTER TABLE "Donation" ADD CONSTRAINT "Donation_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Donation" ADD CONSTRAINT "Donation_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsDonation" ADD CONSTRAINT "PointsDonation_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsDonation" ADD CONSTRAINT "PointsDonation_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

