-- tally:no-transaction
-- Outbox tasks may be `record_usage` (a reward's usage fee recorded in Shopify) and
-- `publish_storefront` (the theme's copy of the program, tally.program, written again).
-- As in 20261130183000_score_order_topic: added NOT VALID (a brief lock), then validated in its own statement.

ALTER TABLE "OutboxTask" DROP CONSTRAINT IF EXISTS "OutboxTask_topic_check",
  ADD CONSTRAINT "OutboxTask_topic_check" CHECK (topic IN ('create_discount', 'flow_trigger', 'sync_member', 'score_order', 'record_usage', 'publish_storefront')) NOT VALID;
ALTER TABLE "OutboxTask" VALIDATE CONSTRAINT "OutboxTask_topic_check";
