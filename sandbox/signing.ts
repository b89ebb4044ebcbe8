import { createHmac, randomUUID } from "node:crypto";
import { SignJWT } from "jose";

export { appProxyQuery, signAppProxyQuery, type AppProxyCustomer } from "./app-proxy-signature";

export interface SessionTokenClaims {
  shop: string;
  apiKey: string;
  apiSecret: string;
  /** Staff user id for admin tokens; a customer GID for extension tokens. */
  subject?: string;
  ttlSeconds?: number;
}

/**
 * Mints a session token the way Shopify does (HS256 with the app's secret). For the sandbox
 * login and the tests: in a real store, App Bridge and extensions receive these from Shopify.
 */
export async function mintSessionToken(claims: SessionTokenClaims): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ dest: `https://${claims.shop}`, sid: randomUUID() })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${claims.shop}/admin`)
    .setAudience(claims.apiKey)
    .setSubject(claims.subject ?? "1")
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (claims.ttlSeconds ?? 60))
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(claims.apiSecret));
}

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
