-- tally:no-transaction
-- Outbox tasks may be `score_order`: a paid order waiting for its product facts (docs/decisions/0009).
-- As in 20261130120100_ledger_checks: added NOT VALID (a brief lock), then validated in its own statement.

ALTER TABLE "OutboxTask" DROP CONSTRAINT IF EXISTS "OutboxTask_topic_check",
  ADD CONSTRAINT "OutboxTask_topic_check" CHECK (topic IN ('create_discount', 'flow_trigger', 'sync_member', 'score_order')) NOT VALID;
ALTER TABLE "OutboxTask" VALIDATE CONSTRAINT "OutboxTask_topic_check";
