import { serverEnvironment } from "~/config/env.server";
import { decodeJwt, type JWTPayload } from "jose";
import { isShopDomain } from "./shop-domain";

/**
 * The shop a session token speaks for, or null when its claims do not name one shop for this
 * app: `aud` is our API key (Shopify's library skips that check for extension tokens), `dest` is
 * exactly `https://<shop>.myshopify.com` (admin) or `<shop>.myshopify.com` (checkout and customer
 * accounts), and `iss`, when the token has one, is that same shop's admin.
 */
export function shopOfSessionToken(
  claims: { aud?: unknown; dest?: unknown; iss?: unknown },
  apiKey: string,
): string | null {
  if (!apiKey || claims.aud !== apiKey || typeof claims.dest !== "string") return null;
  // Shopify names a shop by its permanent domain: no userinfo, port or path around it.
  const shop = claims.dest.replace(/^https:\/\//, "");
  if (!isShopDomain(shop)) return null;
  if (claims.iss !== undefined && claims.iss !== `https://${shop}/admin`) return null;
  return shop;
}

/** The session token of an admin request: App Bridge's `Authorization: Bearer`, or the `id_token` of the admin's first load. */
function adminSessionToken(request: Request): string | null {
  const bearer = request.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1];
  return bearer ?? new URL(request.url).searchParams.get("id_token");
}

/**
 * Refuses (401) an admin request whose session token does not name one shop for this app, before
 * Shopify's library reads `dest` as a URL (where `https://a.myshopify.com@b.myshopify.com` is
 * shop b and `http://[` throws). The library still checks the signature and expiry.
 */
export function refuseMismatchedAdminToken(request: Request, apiKey = serverEnvironment().SHOPIFY_API_KEY): void {
  const token = adminSessionToken(request);
  if (!token) return;
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    return; // Not a JWT at all: the library answers that as it always has.
  }
  if (!shopOfSessionToken(claims, apiKey)) throw Response.json({ error: "invalid_session_token" }, { status: 401 });
}

/**
 * The sandbox shop (sandbox/routes.ts serves its login and storefront preview) exists for
 * `npm run demo` and tests only. It needs TALLY_SANDBOX_SHOP and is impossible in production,
 * whatever else is set.
 */
export function sandboxShop(env: Record<string, string | undefined> = process.env): string | null {
  if (env.NODE_ENV === "production") return null;
  return env.TALLY_SANDBOX_SHOP || null;
}
