// The row the webhook inbox writes per delivery (app/db/inbox.server.ts `storeDelivery`), as one
// parameterised statement: $1 shop domain, $2 webhook id, $3 topic, $4 the body. The bench's raw
// baseline and bare server write exactly this, so they are held to the app's own work.
export const INBOX_ROW_SQL = `
  WITH stored AS (
    INSERT INTO "WebhookDelivery" (id, "shopId", "shopDomain", "webhookId", "eventId", topic, "apiVersion", "triggeredAt", "receivedAt", payload, "orderingKey")
    SELECT gen_random_uuid()::text, (SELECT id FROM "Shop" WHERE domain = $1), $1, $2, NULL, $3, NULL, NULL,
           (clock_timestamp() AT TIME ZONE 'UTC'), $4::json, NULL
    ON CONFLICT ("shopDomain", "webhookId") DO NOTHING
    RETURNING 1)
  SELECT pg_notify('tally_inbox', '') IS NULL AS notified FROM stored`;
