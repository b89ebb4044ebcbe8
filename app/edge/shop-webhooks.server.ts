import { database } from "~/db.server";
import { signalDeliveryAccepted, storeDelivery } from "~/db/inbox.server";
import { requireMethod } from "~/http/methods.server";
import { parsePayload, receiveRawWebhook, type RawWebhook } from "~/shopify/webhooks.server";
import { SHOP_WEBHOOK_TOPICS, type ShopWebhookTopicName } from "./shop-webhook-topics.server";

/**
 * The whole edge of a shop webhook: authenticate, validate the payload, and store the delivery in
 * the inbox — committed before the 200, deduplicated by webhook id. Appliers apply it moments later
 * (app/jobs/inbox.server.ts; docs/decisions/0030-webhooks-accepted-then-applied.md), so a burst of
 * orders is answered at the speed of one insert each, and Shopify never waits on the ledger.
 * A refusal is thrown as the Response to send (4xx), as Remix expects.
 */
export async function acceptRawShopWebhook(raw: RawWebhook, topic: ShopWebhookTopicName): Promise<Response> {
  const delivery = await receiveRawWebhook(raw, topic);
  const handler = SHOP_WEBHOOK_TOPICS[topic];
  const payload = parsePayload(handler.schema, delivery.payload);
  const stored = await storeDelivery(database, {
    shopDomain: delivery.shop,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
    topic,
    apiVersion: delivery.apiVersion,
    triggeredAt: delivery.triggeredAt,
    body: delivery.body,
    orderingKey: handler.orderingKey(payload),
  });
  if (stored === "accepted") signalDeliveryAccepted();
  return new Response(null, { status: 200 });
}

/** The Remix route's edge (the dev server's path; `npm start` answers these before Remix, below). */
export async function acceptShopWebhook(request: Request, topic: ShopWebhookTopicName): Promise<Response> {
  requireMethod(request, "POST");
  const body = Buffer.from(await request.arrayBuffer());
  return acceptRawShopWebhook({ header: (name) => request.headers.get(name), body }, topic);
}

const TOPIC_AT_PATH = new Map(
  Object.keys(SHOP_WEBHOOK_TOPICS).map((topic) => [`/webhooks/${topic}`, topic as ShopWebhookTopicName]),
);

/**
 * For server.ts, which answers a POST to a shop topic's path before Remix sees it: Remix's route
 * matching and request bridging cost more CPU than the insert itself
 * (docs/decisions/0036-shop-webhooks-answered-before-remix.md). Null: not a shop topic's path.
 */
export function shopWebhookAt(pathname: string): ((raw: RawWebhook) => Promise<Response>) | null {
  const topic = TOPIC_AT_PATH.get(pathname);
  if (!topic) return null;
  return async (raw) => {
    try {
      return await acceptRawShopWebhook(raw, topic);
    } catch (refusal) {
      if (refusal instanceof Response) return refusal;
      throw refusal;
    }
  };
}
