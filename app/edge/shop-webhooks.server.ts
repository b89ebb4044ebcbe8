import prisma from "~/db.server";
import { signalDeliveryAccepted, storeDelivery } from "~/db/inbox.server";
import { parsePayload, receiveWebhook } from "~/shopify/webhooks.server";
import { SHOP_WEBHOOK_TOPICS, type ShopWebhookTopicName } from "./shop-webhook-topics.server";

/**
 * The whole edge of a shop webhook: authenticate, validate the payload, and store the delivery in
 * the inbox — committed before the 200, deduplicated by webhook id. Appliers apply it moments later
 * (app/jobs/inbox.server.ts; docs/decisions/0030-webhooks-accepted-then-applied.md), so a burst of
 * orders is answered at the speed of one insert each, and Shopify never waits on the ledger.
 */
export async function acceptShopWebhook(request: Request, topic: ShopWebhookTopicName): Promise<Response> {
  const delivery = await receiveWebhook(request, topic);
  const handler = SHOP_WEBHOOK_TOPICS[topic];
  const payload = parsePayload(handler.schema, delivery.payload);
  const stored = await storeDelivery(prisma, {
    shopDomain: delivery.shop,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
    topic,
    apiVersion: delivery.apiVersion,
    triggeredAt: delivery.triggeredAt,
    payload: delivery.payload,
    orderingKey: handler.orderingKey(payload),
  });
  if (stored === "accepted") signalDeliveryAccepted();
  return new Response(null, { status: 200 });
}
