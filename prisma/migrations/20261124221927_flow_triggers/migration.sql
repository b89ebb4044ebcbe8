-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "flowLifecycle" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "flowTriggersEnabled" TEXT[] DEFAULT ARRAY[]::TEXT[];

