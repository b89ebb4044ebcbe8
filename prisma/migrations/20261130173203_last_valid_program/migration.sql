-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "lastValidProgram" JSONB,
ADD COLUMN     "lastValidRevision" INTEGER;


-- Every stored program was validated when it was saved: it is the last valid one so far.
UPDATE "Shop" SET "lastValidProgram" = "program", "lastValidRevision" = "programRevision" WHERE "program" IS NOT NULL;
