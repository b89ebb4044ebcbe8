-- AlterTable
ALTER TABLE "MemberImport" ADD COLUMN     "bulkOperationId" TEXT,
ADD COLUMN     "customersMatchedAt" TIMESTAMP(3),
ADD COLUMN     "failure" TEXT;

-- AlterTable
ALTER TABLE "MemberImportRow" ADD COLUMN     "customerId" TEXT,
ADD COLUMN     "firstName" TEXT,
ADD COLUMN     "lastName" TEXT;


-- IMPORT_FAILURES in app/loyalty/members/import.server.ts (test/stored-values.test.ts keeps the two equal).
ALTER TABLE "MemberImport" ADD CONSTRAINT "MemberImport_failure_check"
  CHECK (failure IN ('export_failed', 'export_unreadable', 'shopify_refused'));
