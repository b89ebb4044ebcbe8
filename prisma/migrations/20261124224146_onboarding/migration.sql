-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "onboarding" JSONB NOT NULL DEFAULT '{}';

