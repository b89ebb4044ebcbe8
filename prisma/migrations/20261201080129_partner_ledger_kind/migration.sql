-- tally:no-transaction
-- A partner's award is a new kind of ledger entry (app/loyalty/points/ledger-entry.ts); added NOT VALID,
-- then validated in its own statement (docs/decisions/0012).
ALTER TABLE "LedgerEntry" DROP CONSTRAINT IF EXISTS "LedgerEntry_kind_check",
  ADD CONSTRAINT "LedgerEntry_kind_check" CHECK (kind IN (
    'earn', 'bonus', 'action', 'partner', 'adjust', 'import', 'release', 'expire', 'redeem', 'reverse', 'merge_in', 'merge_out'
  )) NOT VALID;
ALTER TABLE "LedgerEntry" VALIDATE CONSTRAINT "LedgerEntry_kind_check";
