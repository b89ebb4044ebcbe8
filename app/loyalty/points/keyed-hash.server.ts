import { createHmac } from "node:crypto";
import { serverEnvironment } from "~/config/env.server";

/**
 * A keyed hash (HMAC-SHA256 under the app's secret) of something that identifies a person: equal
 * inputs still match, but without the secret the value cannot be guessed back from a customer id,
 * an email or an address (a plain hash of a customer id is reversed by trying them all).
 */
export function keyedHash(value: string): string {
  return createHmac("sha256", serverEnvironment().SHOPIFY_API_SECRET).update(value).digest("hex").slice(0, 32);
}
