import { jwtVerify, type JWTPayload } from "jose";
import prisma from "~/db.server";
import { serverEnvironment } from "~/config/env.server";
import { shopForShoppers } from "~/loyalty/billing/billing.server";
import { findInstalledShop } from "~/loyalty/program/shops.server";
import { shopOfSessionToken } from "~/shopify/session-token.server";
import { withCors } from "./extension-auth.server";

/** Shopify's own libraries allow this much clock skew on `exp` and `nbf`. */
const CLOCK_TOLERANCE_SECONDS = 10;

const refuse = () => withCors(Response.json({ error: "invalid_session_token" }, { status: 401 }));

/**
 * The Shopify user a POS session token speaks for, or null when it is not one. A POS extension's
 * token (`shopify.session.getSessionToken()`) has the claims of an admin session token: `iss`
 * `https://<shop>/admin`, `dest` `https://<shop>`, `aud` our API key, `sub` the numeric id of the
 * Shopify user logged into POS — not the staff member pinned in, and no location. A checkout or
 * customer-account token is signed with the same secret but has no `iss`, a bare `dest` and a
 * customer GID (or nothing) as `sub`: it is refused here, so a shopper can never act as staff.
 */
export function posUserOf(claims: JWTPayload, apiKey: string): { shopDomain: string; userId: string } | null {
  const shopDomain = shopOfSessionToken(claims, apiKey);
  if (!shopDomain || claims.iss === undefined || claims.dest !== `https://${shopDomain}`) return null;
  if (typeof claims.sub !== "string" || !/^[1-9][0-9]{0,19}$/.test(claims.sub)) return null;
  return { shopDomain, userId: claims.sub };
}

/**
 * POS extension requests (`/api/pos/...`) carry the POS session token (Bearer): its signature is
 * checked with the app's secret (HS256 only, expiry and not-before with Shopify's 10 s skew),
 * then its claims (posUserOf). Staff act for the customer the request names. Preflights get 204;
 * refusals carry CORS headers too, so the extension can read them.
 */
export async function authenticatePos(request: Request) {
  if (request.method === "OPTIONS") throw withCors(new Response(null, { status: 204 }));
  const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
  if (!token) throw refuse();
  const { SHOPIFY_API_KEY, SHOPIFY_API_SECRET } = serverEnvironment();
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, new TextEncoder().encode(SHOPIFY_API_SECRET), {
      algorithms: ["HS256"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch {
    throw refuse();
  }
  const user = posUserOf(claims, SHOPIFY_API_KEY);
  if (!user) throw refuse();
  const shop = await findInstalledShop(prisma, user.shopDomain);
  if (!shop) throw withCors(Response.json({ error: "shop_not_installed" }, { status: 404 }));
  return { shop: shopForShoppers(shop), userId: user.userId };
}
