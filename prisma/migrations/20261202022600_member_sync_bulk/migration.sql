-- CreateTable
CREATE TABLE "MemberSyncBulk" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "tasks" JSONB NOT NULL,
    "operations" JSONB NOT NULL,
    "runAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MemberSyncBulk_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MemberSyncBulk_runAt_idx" ON "MemberSyncBulk"("runAt");

-- AddForeignKey
ALTER TABLE "MemberSyncBulk" ADD CONSTRAINT "MemberSyncBulk_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

