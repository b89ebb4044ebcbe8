-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "compTierId" TEXT,
ADD COLUMN     "compTierUntil" TIMESTAMP(3),
ADD COLUMN     "earnedTierId" TEXT;

-- CreateTable
CREATE TABLE "FlowActionRun" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FlowActionRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FlowActionRun_createdAt_idx" ON "FlowActionRun"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "FlowActionRun_shopId_runId_key" ON "FlowActionRun"("shopId", "runId");

-- AddForeignKey
ALTER TABLE "FlowActionRun" ADD CONSTRAINT "FlowActionRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A comp names its tier and its end together, or neither.
ALTER TABLE "Member"
  ADD CONSTRAINT "Member_compTier_check" CHECK (("compTierId" IS NULL) = ("compTierUntil" IS NULL));
