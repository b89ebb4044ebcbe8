-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "compTierId" TEXT,
ADD COLUMN     "compTierUntil" TIMESTAMP(3),
ADD COLUMN     "earnedTierId" TEXT;


-- A comp names its tier and its end together, or neither.
ALTER TABLE "Member"
  ADD CONSTRAINT "Member_compTier_check" CHECK (("compTierId" IS NULL) = ("compTierUntil" IS NULL));
