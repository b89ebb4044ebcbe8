-- CreateTable
CREATE TABLE "OrderDiscount" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "amountCents" BIGINT NOT NULL,
    "currencyCode" TEXT,
    "placedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderDiscount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HoldoutCustomer" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "shopifyCustomerId" TEXT NOT NULL,
    "heldUntil" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HoldoutCustomer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OrderDiscount_shopId_placedAt_idx" ON "OrderDiscount"("shopId", "placedAt");

-- CreateIndex
CREATE UNIQUE INDEX "OrderDiscount_shopId_shopifyOrderId_kind_reference_key" ON "OrderDiscount"("shopId", "shopifyOrderId", "kind", "reference");

-- CreateIndex
CREATE INDEX "HoldoutCustomer_shopId_createdAt_idx" ON "HoldoutCustomer"("shopId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "HoldoutCustomer_shopId_shopifyCustomerId_key" ON "HoldoutCustomer"("shopId", "shopifyCustomerId");

-- AddForeignKey
ALTER TABLE "OrderDiscount" ADD CONSTRAINT "OrderDiscount_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HoldoutCustomer" ADD CONSTRAINT "HoldoutCustomer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

