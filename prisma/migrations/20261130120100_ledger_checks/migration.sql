-- tally:no-transaction
-- The ledger's invariants, held by the database so no bug can break them (docs/decisions/0012).
-- Each is added NOT VALID (a brief lock; new writes are checked from then on), then validated
-- in its own statement (a scan that lets writes through). Drop-then-add makes a re-run harmless.
-- Column-type agnostic: the comparisons hold for integer and bigint columns alike.

ALTER TABLE "Member" DROP CONSTRAINT IF EXISTS "Member_balance_check",
  ADD CONSTRAINT "Member_balance_check" CHECK (balance >= 0) NOT VALID;
ALTER TABLE "Member" VALIDATE CONSTRAINT "Member_balance_check";

ALTER TABLE "Member" DROP CONSTRAINT IF EXISTS "Member_pending_check",
  ADD CONSTRAINT "Member_pending_check" CHECK (pending >= 0) NOT VALID;
ALTER TABLE "Member" VALIDATE CONSTRAINT "Member_pending_check";

ALTER TABLE "PointLot" DROP CONSTRAINT IF EXISTS "PointLot_remaining_check",
  ADD CONSTRAINT "PointLot_remaining_check" CHECK (remaining >= 0 AND remaining <= amount) NOT VALID;
ALTER TABLE "PointLot" VALIDATE CONSTRAINT "PointLot_remaining_check";

-- A new kind of entry is a new migration that widens this list.
ALTER TABLE "LedgerEntry" DROP CONSTRAINT IF EXISTS "LedgerEntry_kind_check",
  ADD CONSTRAINT "LedgerEntry_kind_check" CHECK (kind IN (
    'earn', 'bonus', 'action', 'adjust', 'import', 'release', 'expire', 'redeem', 'reverse', 'merge_in', 'merge_out'
  )) NOT VALID;
ALTER TABLE "LedgerEntry" VALIDATE CONSTRAINT "LedgerEntry_kind_check";

-- Redemption.status is an enum type already.
ALTER TABLE "Redemption" DROP CONSTRAINT IF EXISTS "Redemption_pointsSpent_check",
  ADD CONSTRAINT "Redemption_pointsSpent_check" CHECK ("pointsSpent" >= 0) NOT VALID;
ALTER TABLE "Redemption" VALIDATE CONSTRAINT "Redemption_pointsSpent_check";

ALTER TABLE "OutboxTask" DROP CONSTRAINT IF EXISTS "OutboxTask_topic_check",
  ADD CONSTRAINT "OutboxTask_topic_check" CHECK (topic IN ('create_discount', 'flow_trigger', 'sync_member')) NOT VALID;
ALTER TABLE "OutboxTask" VALIDATE CONSTRAINT "OutboxTask_topic_check";

ALTER TABLE "OutboxTask" DROP CONSTRAINT IF EXISTS "OutboxTask_attempts_check",
  ADD CONSTRAINT "OutboxTask_attempts_check" CHECK (attempts >= 0) NOT VALID;
ALTER TABLE "OutboxTask" VALIDATE CONSTRAINT "OutboxTask_attempts_check";

ALTER TABLE "Referral" DROP CONSTRAINT IF EXISTS "Referral_status_check",
  ADD CONSTRAINT "Referral_status_check" CHECK (status IN (
    'awaiting_order', 'qualifying', 'held', 'capped', 'void', 'rejected', 'rewarded', 'reversed'
  )) NOT VALID;
ALTER TABLE "Referral" VALIDATE CONSTRAINT "Referral_status_check";

ALTER TABLE "Referral" DROP CONSTRAINT IF EXISTS "Referral_source_check",
  ADD CONSTRAINT "Referral_source_check" CHECK (source IN ('cart_attribute', 'discount_code', 'signup')) NOT VALID;
ALTER TABLE "Referral" VALIDATE CONSTRAINT "Referral_source_check";

ALTER TABLE "MemberImport" DROP CONSTRAINT IF EXISTS "MemberImport_status_check",
  ADD CONSTRAINT "MemberImport_status_check" CHECK (status IN ('previewed', 'queued', 'running', 'done', 'failed')) NOT VALID;
ALTER TABLE "MemberImport" VALIDATE CONSTRAINT "MemberImport_status_check";
