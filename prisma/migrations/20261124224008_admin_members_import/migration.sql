-- CreateTable
CREATE TABLE "MemberImport" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "fileName" TEXT,
    "status" TEXT NOT NULL DEFAULT 'previewed',
    "rows" JSONB NOT NULL,
    "rowErrors" JSONB NOT NULL DEFAULT '[]',
    "totalRows" INTEGER NOT NULL,
    "processedRows" INTEGER NOT NULL DEFAULT 0,
    "importedRows" INTEGER NOT NULL DEFAULT 0,
    "skippedRows" INTEGER NOT NULL DEFAULT 0,
    "staffId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "MemberImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MemberImport_shopId_createdAt_idx" ON "MemberImport"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "MemberImport_status_idx" ON "MemberImport"("status");

-- CreateIndex
CREATE INDEX "Member_shopId_balance_id_idx" ON "Member"("shopId", "balance", "id");

-- CreateIndex
CREATE INDEX "Member_shopId_updatedAt_id_idx" ON "Member"("shopId", "updatedAt", "id");

-- AddForeignKey
ALTER TABLE "MemberImport" ADD CONSTRAINT "MemberImport_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

