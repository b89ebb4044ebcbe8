-- tally:no-transaction
-- Indexes for the sweeps (expiry candidates, the prune job) and the dashboard's date filters,
-- built CONCURRENTLY so a large store keeps writing meanwhile (docs/decisions/0012).

CREATE INDEX CONCURRENTLY IF NOT EXISTS "PointLot_shopId_expiresAt_idx" ON "PointLot"("shopId", "expiresAt");

CREATE INDEX CONCURRENTLY IF NOT EXISTS "WebhookDelivery_receivedAt_idx" ON "WebhookDelivery"("receivedAt");

CREATE INDEX CONCURRENTLY IF NOT EXISTS "Redemption_shopId_createdAt_idx" ON "Redemption"("shopId", "createdAt");

CREATE INDEX CONCURRENTLY IF NOT EXISTS "ReferralVisit_createdAt_idx" ON "ReferralVisit"("createdAt");

-- Not in schema.prisma (an expression index): the dashboard filters paid orders by COALESCE("placedAt", "paidAt").
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Order_shopId_placedOrPaidAt_idx" ON "Order"("shopId", (COALESCE("placedAt", "paidAt"))) WHERE "paidAt" IS NOT NULL;
