-- tally:no-transaction
-- Appliers take each shop's oldest pending deliveries in turn, so one shop's flash sale does not
-- hold up another shop's points (app/db/inbox.server.ts `claimDeliveries`). Built CONCURRENTLY:
-- webhooks keep being stored meanwhile (docs/decisions/0012).
CREATE INDEX CONCURRENTLY IF NOT EXISTS "WebhookDelivery_pending_shop_idx" ON "WebhookDelivery"("shopDomain", "seq")
  WHERE "payload" IS NOT NULL AND "parkedAt" IS NULL;
