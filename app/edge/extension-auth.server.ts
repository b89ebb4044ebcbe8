import prisma from "~/db.server";
import { serverEnvironment } from "~/config/env.server";
import { authenticate } from "~/shopify.server";
import { findInstalledShop } from "~/loyalty/program/shops.server";
import { shopForShoppers } from "~/loyalty/billing/billing.server";
import { shopOfSessionToken } from "~/shopify/session-token.server";

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Max-Age": "7200",
};

export const withCors = (response: Response) => {
  for (const [name, value] of Object.entries(CORS)) response.headers.set(name, value);
  return response;
};

/**
 * Checkout and customer-account extensions call with their session token (Bearer). The shop is
 * the token's `dest` (its claims checked by shopOfSessionToken), the customer its `sub` — never a parameter. Preflights get 204; errors
 * carry CORS headers too, so the extension can read them.
 */
export async function authenticateExtension(request: Request) {
  if (request.method === "OPTIONS") throw withCors(new Response(null, { status: 204 }));
  let sessionToken;
  try {
    ({ sessionToken } = await authenticate.public.checkout(request));
  } catch (error) {
    if (error instanceof Response)
      throw withCors(
        Response.json({ error: "invalid_session_token" }, { status: error.status >= 400 ? error.status : 401 }),
      );
    throw error;
  }
  const shopDomain = shopOfSessionToken(sessionToken, serverEnvironment().SHOPIFY_API_KEY);
  if (!shopDomain) throw withCors(Response.json({ error: "invalid_session_token" }, { status: 401 }));
  const shop = await findInstalledShop(prisma, shopDomain);
  if (!shop) throw withCors(Response.json({ error: "shop_not_installed" }, { status: 404 }));
  const subject = sessionToken.sub ? String(sessionToken.sub) : "";
  const customerId = /^gid:\/\/shopify\/Customer\/(\d+)$/.exec(subject)?.[1] ?? null;
  return { shop: shopForShoppers(shop), customerId };
}
