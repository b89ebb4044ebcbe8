import { createHmac, timingSafeEqual } from "node:crypto";
import { serverEnvironment } from "~/config/env.server";

/**
 * Whether Shopify signed this body: base64 HMAC-SHA256 with the app's secret, as it signs webhooks
 * and Flow requests. node:crypto over the raw bytes — Shopify's library checks the same through
 * WebCrypto and a converted request, at several times the CPU (docs/decisions/0036-shop-webhooks-answered-before-remix.md).
 */
export function signedByShopify(rawBody: Buffer | string, signature: string): boolean {
  const expected = createHmac("sha256", serverEnvironment().SHOPIFY_API_SECRET).update(rawBody).digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
