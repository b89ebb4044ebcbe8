/**
 * The kinds of work the outbox ("OutboxTask".topic) carries. Loyalty code queues them and the
 * jobs in app/jobs deliver them, so the list sits below both. The database checks it too
 * (test/stored-values.test.ts keeps the two equal): a new topic is a new migration.
 */
export const OUTBOX_TOPICS = [
  "create_discount",
  "flow_trigger",
  "sync_member",
  "score_order",
  "record_usage",
  "publish_storefront",
  "credit_store_credit",
  "sync_tier_perks",
  "delete_discount",
  "check_newsletter_consent",
] as const;
export type OutboxTopic = (typeof OUTBOX_TOPICS)[number];
