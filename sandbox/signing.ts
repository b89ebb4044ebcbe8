import { createHmac } from "node:crypto";

export { mintSessionToken } from "../app/shopify/session-token.server";

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

/**
 * The query string Shopify's App Proxy adds: shop, logged_in_customer_id, path_prefix,
 * timestamp, and `signature` = hex HMAC-SHA256 over the other parameters sorted by name,
 * each `key=value` (repeated values joined by commas), concatenated without separators.
 */
export function signAppProxyQuery(
  params: Record<string, string | string[]>,
  apiSecret: string,
): URLSearchParams {
  const message = Object.keys(params)
    .filter((key) => key !== "signature")
    .sort()
    .map((key) => {
      const value = params[key]!;
      return `${key}=${Array.isArray(value) ? value.join(",") : value}`;
    })
    .join("");
  const signature = createHmac("sha256", apiSecret).update(message).digest("hex");
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, item);
  }
  query.set("signature", signature);
  return query;
}

export interface AppProxyCustomer {
  shop: string;
  /** Null for a guest: Shopify sends an empty `logged_in_customer_id`. */
  customerId: string | number | null;
  pathPrefix?: string;
  timestamp?: Date;
  extra?: Record<string, string>;
}

export function appProxyQuery(request: AppProxyCustomer, apiSecret: string): URLSearchParams {
  return signAppProxyQuery(
    {
      ...request.extra,
      shop: request.shop,
      logged_in_customer_id: request.customerId === null ? "" : String(request.customerId),
      path_prefix: request.pathPrefix ?? "/apps/tally",
      timestamp: String(Math.floor((request.timestamp ?? new Date()).getTime() / 1000)),
    },
    apiSecret,
  );
}
