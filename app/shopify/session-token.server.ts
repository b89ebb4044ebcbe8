import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";

export interface SessionTokenClaims {
  shop: string;
  apiKey: string;
  apiSecret: string;
  /** Staff user id for admin tokens; a customer GID for extension tokens. */
  subject?: string;
  ttlSeconds?: number;
}

/**
 * Mints a session token the way Shopify does (HS256 with the app's secret). Only the sandbox
 * login and the tests use it: in a real store, App Bridge and extensions receive these from
 * Shopify.
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

/**
 * The sandbox login exists for `npm run demo` and tests only. It needs TALLY_SANDBOX_SHOP and
 * is impossible in production, whatever else is set.
 */
export function sandboxShop(env: Record<string, string | undefined> = process.env): string | null {
  if (env.NODE_ENV === "production") return null;
  return env.TALLY_SANDBOX_SHOP || null;
}
