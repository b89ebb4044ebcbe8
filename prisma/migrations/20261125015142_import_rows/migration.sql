-- Import rows move from one JSON array per import (re-read whole for every batch) to a table
-- read by position. Imports in flight keep their rows.

-- CreateTable
CREATE TABLE "MemberImportRow" (
    "importId" TEXT NOT NULL,
    "n" INTEGER NOT NULL,
    "line" INTEGER NOT NULL,
    "email" TEXT,
    "points" INTEGER NOT NULL,
    "tier" TEXT,
    "birthday" TEXT,

    CONSTRAINT "MemberImportRow_pkey" PRIMARY KEY ("importId","n")
);

-- CreateIndex
CREATE INDEX "MemberImportRow_email_idx" ON "MemberImportRow"("email");

-- AddForeignKey
ALTER TABLE "MemberImportRow" ADD CONSTRAINT "MemberImportRow_importId_fkey" FOREIGN KEY ("importId") REFERENCES "MemberImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "MemberImport" ADD COLUMN     "validRows" INTEGER NOT NULL DEFAULT 0;

INSERT INTO "MemberImportRow" ("importId", "n", "line", "email", "points", "tier", "birthday")
SELECT m.id, t.n, (t.item->>'line')::int, t.item->>'email', COALESCE((t.item->>'points')::int, 0), t.item->>'tier', t.item->>'birthday'
  FROM "MemberImport" m, jsonb_array_elements(m."rows") WITH ORDINALITY AS t(item, n);

UPDATE "MemberImport" SET "validRows" = CASE WHEN jsonb_array_length("rows") > 0 THEN jsonb_array_length("rows") ELSE "processedRows" END;

ALTER TABLE "MemberImport" DROP COLUMN "rows";
