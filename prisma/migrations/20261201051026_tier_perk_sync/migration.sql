-- CreateTable
CREATE TABLE "TierPerkSync" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "tierId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "shopifyId" TEXT,
    "desiredHash" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "lastError" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TierPerkSync_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TierPerkSync_shopId_tierId_kind_key" ON "TierPerkSync"("shopId", "tierId", "kind");

-- AddForeignKey
ALTER TABLE "TierPerkSync" ADD CONSTRAINT "TierPerkSync_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The values app/loyalty/tiers/perks.ts writes (test/stored-values.test.ts keeps them equal).
ALTER TABLE "TierPerkSync" ADD CONSTRAINT "TierPerkSync_kind_check"
  CHECK (kind IN ('segment', 'percentage_off', 'free_shipping'));
ALTER TABLE "TierPerkSync" ADD CONSTRAINT "TierPerkSync_status_check"
  CHECK (status IN ('active', 'failed', 'missing'));
