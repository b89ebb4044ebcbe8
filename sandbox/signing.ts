import { createHmac } from "node:crypto";

export { mintSessionToken } from "../app/shopify/session-token.server";
export { appProxyQuery, signAppProxyQuery, type AppProxyCustomer } from "../app/shopify/app-proxy-signature.server";

/** `X-Shopify-Hmac-Sha256`: base64 HMAC-SHA256 of the raw body with the app's secret. */
export function webhookHmac(rawBody: string, apiSecret: string): string {
  return createHmac("sha256", apiSecret).update(rawBody, "utf8").digest("base64");
}

export interface WebhookDelivery {
  topic: string;
  shop: string;
  payload: unknown;
  apiVersion: string;
  webhookId?: string;
  eventId?: string;
  triggeredAt?: Date;
}

/** The request Shopify sends for a webhook delivery (headers as Shopify spells them). */
export function signedWebhookRequest(
  url: string,
  delivery: WebhookDelivery,
  apiSecret: string,
): { url: string; init: RequestInit & { headers: Record<string, string> }; body: string } {
  const body = JSON.stringify(delivery.payload);
  return {
    url,
    body,
    init: {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": delivery.topic,
        "X-Shopify-Shop-Domain": delivery.shop,
        "X-Shopify-Hmac-Sha256": webhookHmac(body, apiSecret),
        "X-Shopify-Webhook-Id": delivery.webhookId ?? crypto.randomUUID(),
        "X-Shopify-Event-Id": delivery.eventId ?? crypto.randomUUID(),
        "X-Shopify-Triggered-At": (delivery.triggeredAt ?? new Date()).toISOString(),
        "X-Shopify-API-Version": delivery.apiVersion,
      },
    },
  };
}
