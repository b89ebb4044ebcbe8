-- CreateTable
CREATE TABLE "MembershipGrant" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "paidAt" TIMESTAMP(3) NOT NULL,
    "bought" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "amountCents" BIGINT NOT NULL,
    "currencyCode" TEXT,
    "recurring" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MembershipGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MembershipTerm" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "paidThrough" TIMESTAMP(3) NOT NULL,
    "startedBy" TEXT NOT NULL,
    "renewals" INTEGER NOT NULL,

    CONSTRAINT "MembershipTerm_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PaidMembership" (
    "memberId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "paidThrough" TIMESTAMP(3) NOT NULL,
    "startedBy" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "autoRenews" BOOLEAN NOT NULL DEFAULT false,
    "endingSoonSentFor" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "extraPoints" BIGINT NOT NULL DEFAULT 0,
    "discountCents" BIGINT NOT NULL DEFAULT 0,
    "taggedAs" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PaidMembership_pkey" PRIMARY KEY ("memberId")
);

-- CreateIndex
CREATE INDEX "MembershipGrant_memberId_idx" ON "MembershipGrant"("memberId");

-- CreateIndex
CREATE INDEX "MembershipGrant_shopId_paidAt_idx" ON "MembershipGrant"("shopId", "paidAt");

-- CreateIndex
CREATE UNIQUE INDEX "MembershipGrant_shopId_shopifyOrderId_lineItemId_key" ON "MembershipGrant"("shopId", "shopifyOrderId", "lineItemId");

-- CreateIndex
CREATE INDEX "MembershipTerm_shopId_startedAt_idx" ON "MembershipTerm"("shopId", "startedAt");

-- CreateIndex
CREATE INDEX "MembershipTerm_shopId_paidThrough_idx" ON "MembershipTerm"("shopId", "paidThrough");

-- CreateIndex
CREATE UNIQUE INDEX "MembershipTerm_memberId_startedAt_key" ON "MembershipTerm"("memberId", "startedAt");

-- CreateIndex
CREATE INDEX "PaidMembership_shopId_status_paidThrough_idx" ON "PaidMembership"("shopId", "status", "paidThrough");

-- AddForeignKey
ALTER TABLE "MembershipGrant" ADD CONSTRAINT "MembershipGrant_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MembershipGrant" ADD CONSTRAINT "MembershipGrant_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MembershipTerm" ADD CONSTRAINT "MembershipTerm_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MembershipTerm" ADD CONSTRAINT "MembershipTerm_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaidMembership" ADD CONSTRAINT "PaidMembership_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaidMembership" ADD CONSTRAINT "PaidMembership_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

