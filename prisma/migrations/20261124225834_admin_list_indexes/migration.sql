-- CreateIndex
CREATE INDEX "Member_shopId_createdAt_id_idx" ON "Member"("shopId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "LedgerEntry_shopId_createdAt_idx" ON "LedgerEntry"("shopId", "createdAt");

