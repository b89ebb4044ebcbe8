import { webhookHmac } from "../../sandbox/signing";
import { API_VERSION, TEST_API_SECRET } from "./constants";

/**
 * A delivery signed with the app's secret whose parts an attacker (or a broken sender) chose:
 * any route, topic and shop header, and any raw body. Shopify's HMAC covers the body only, so
 * a captured body stays correctly signed under other headers.
 */
export function sendSignedWebhook(
  appUrl: string,
  delivery: {
    route: string;
    topic: string;
    shop: string;
    body: string;
    webhookId?: string;
    /** Headers left out, as a broken sender would. */
    without?: string[];
  },
): Promise<Response> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": delivery.topic,
    "X-Shopify-Shop-Domain": delivery.shop,
    "X-Shopify-Hmac-Sha256": webhookHmac(delivery.body, TEST_API_SECRET),
    "X-Shopify-Webhook-Id": delivery.webhookId ?? crypto.randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
    "X-Shopify-API-Version": API_VERSION,
  };
  for (const name of delivery.without ?? []) delete headers[name];
  return fetch(`${appUrl}/webhooks/${delivery.route}`, { method: "POST", body: delivery.body, headers });
}
