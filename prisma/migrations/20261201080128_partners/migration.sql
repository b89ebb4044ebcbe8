-- CreateTable
CREATE TABLE "Partner" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "earnMode" TEXT NOT NULL,
    "pointsPerUnit" INTEGER NOT NULL DEFAULT 0,
    "pointsPerEvent" INTEGER NOT NULL DEFAULT 0,
    "dailyCap" INTEGER,
    "pendingDays" INTEGER NOT NULL DEFAULT 0,
    "enrolNewCustomers" BOOLEAN NOT NULL DEFAULT false,
    "keyId" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "keyRotatedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Partner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PartnerAward" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "partnerId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "externalKey" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "amount" BIGINT,
    "currencyCode" TEXT,
    "availableAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PartnerAward_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Partner_keyId_key" ON "Partner"("keyId");

-- CreateIndex
CREATE INDEX "Partner_shopId_createdAt_idx" ON "Partner"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "PartnerAward_shopId_createdAt_idx" ON "PartnerAward"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "PartnerAward_partnerId_memberId_createdAt_idx" ON "PartnerAward"("partnerId", "memberId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PartnerAward_partnerId_externalKey_key" ON "PartnerAward"("partnerId", "externalKey");

-- AddForeignKey
ALTER TABLE "Partner" ADD CONSTRAINT "Partner_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartnerAward" ADD CONSTRAINT "PartnerAward_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartnerAward" ADD CONSTRAINT "PartnerAward_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartnerAward" ADD CONSTRAINT "PartnerAward_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The values app/loyalty/partners/partners.ts writes (test/stored-values.test.ts keeps them equal).
ALTER TABLE "Partner" ADD CONSTRAINT "Partner_earnMode_check" CHECK ("earnMode" IN ('per_amount', 'per_event'));
ALTER TABLE "Partner" ADD CONSTRAINT "Partner_bounds_check"
  CHECK ("pointsPerUnit" >= 0 AND "pointsPerEvent" >= 0 AND ("dailyCap" IS NULL OR "dailyCap" > 0) AND "pendingDays" >= 0);
ALTER TABLE "PartnerAward" ADD CONSTRAINT "PartnerAward_points_check" CHECK (points > 0);

