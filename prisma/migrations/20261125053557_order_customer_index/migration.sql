-- CreateIndex
CREATE INDEX "Order_shopId_shopifyCustomerId_idx" ON "Order"("shopId", "shopifyCustomerId");

