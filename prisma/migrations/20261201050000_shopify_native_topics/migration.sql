-- tally:no-transaction
-- Outbox tasks may be `credit_store_credit` (points converted into the customer's Shopify store
-- credit), `sync_tier_perks` (a tier's customer segment and its perks' automatic discounts kept in
-- Shopify) and `delete_discount` (a reward's code taken back, e.g. a POS redemption reversed).
-- As in 20261130183000_score_order_topic: added NOT VALID (a brief lock), then validated in its own statement.

ALTER TABLE "OutboxTask" DROP CONSTRAINT IF EXISTS "OutboxTask_topic_check",
  ADD CONSTRAINT "OutboxTask_topic_check" CHECK (topic IN ('create_discount', 'flow_trigger', 'sync_member', 'score_order', 'record_usage', 'publish_storefront', 'credit_store_credit', 'sync_tier_perks', 'delete_discount')) NOT VALID;
ALTER TABLE "OutboxTask" VALIDATE CONSTRAINT "OutboxTask_topic_check";
