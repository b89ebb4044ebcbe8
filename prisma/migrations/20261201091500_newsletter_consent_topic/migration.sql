-- tally:no-transaction
-- Outbox tasks may be `check_newsletter_consent`: a new customer's email marketing state read from
-- Shopify, and the program's newsletter actions awarded if they subscribed (customers/create carries
-- no consent since Admin API 2025-01).
-- As in 20261201050000_shopify_native_topics: added NOT VALID (a brief lock), then validated in its own statement.

ALTER TABLE "OutboxTask" DROP CONSTRAINT IF EXISTS "OutboxTask_topic_check",
  ADD CONSTRAINT "OutboxTask_topic_check" CHECK (topic IN ('create_discount', 'flow_trigger', 'sync_member', 'score_order', 'record_usage', 'publish_storefront', 'credit_store_credit', 'sync_tier_perks', 'delete_discount', 'check_newsletter_consent')) NOT VALID;
ALTER TABLE "OutboxTask" VALIDATE CONSTRAINT "OutboxTask_topic_check";
