-- CreateTable
CREATE TABLE "LedgerMonthClose" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "month" TIMESTAMP(3) NOT NULL,
    "sums" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerMonthClose_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LedgerMonthClose_shopId_month_key" ON "LedgerMonthClose"("shopId", "month");

-- AddForeignKey
ALTER TABLE "LedgerMonthClose" ADD CONSTRAINT "LedgerMonthClose_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

