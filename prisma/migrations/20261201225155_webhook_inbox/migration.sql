-- The webhook inbox (docs/decisions/0030-webhooks-accepted-then-applied.md): WebhookDelivery rows
-- now carry an accepted delivery's body until it is applied. Rows already here were applied in
-- their webhook's transaction: their payload stays NULL, so they are never pending.
CREATE SEQUENCE "WebhookDelivery_seq_seq" AS BIGINT;

ALTER TABLE "WebhookDelivery" ADD COLUMN     "appliedAt" TIMESTAMP(3),
ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "claimedUntil" TIMESTAMP(3),
ADD COLUMN     "error" TEXT,
ADD COLUMN     "orderingKey" TEXT,
ADD COLUMN     "parkedAt" TIMESTAMP(3),
ADD COLUMN     "payload" JSON,
ADD COLUMN     "seq" BIGINT;

-- Set after the column is added, so existing rows keep NULL and the table is not rewritten.
ALTER TABLE "WebhookDelivery" ALTER COLUMN "seq" SET DEFAULT nextval('"WebhookDelivery_seq_seq"'::regclass);
ALTER SEQUENCE "WebhookDelivery_seq_seq" OWNED BY "WebhookDelivery"."seq";

-- Appliers claim the oldest pending deliveries, and skip one whose key has an older one pending.
CREATE INDEX "WebhookDelivery_pending_idx" ON "WebhookDelivery"("seq")
  WHERE "payload" IS NOT NULL AND "parkedAt" IS NULL;
CREATE INDEX "WebhookDelivery_pending_key_idx" ON "WebhookDelivery"("shopDomain", "orderingKey", "seq")
  WHERE "payload" IS NOT NULL AND "parkedAt" IS NULL;
-- The operator's list of parked deliveries.
CREATE INDEX "WebhookDelivery_parked_idx" ON "WebhookDelivery"("shopDomain", "parkedAt")
  WHERE "parkedAt" IS NOT NULL;
