import prisma from "~/db.server";
import { spendRateLimit } from "~/http/rate-limits.server";
import { authenticate } from "~/shopify.server";
import { findInstalledShop } from "~/loyalty/program/shops.server";
import { shopForShoppers } from "~/loyalty/billing/billing.server";

/**
 * Every storefront request arrives through Shopify's App Proxy. The signature (HMAC over the
 * query, timestamp within 90 s) is checked by Shopify's library; a bad or missing one is 401.
 * The shopper is `logged_in_customer_id` as Shopify signed it, never a parameter of our own.
 * Reads count against the shop's App Proxy rate limit once signed, so no forger can spend it.
 */
export async function authenticateAppProxy(request: Request) {
  try {
    await authenticate.public.appProxy(request);
  } catch (error) {
    if (error instanceof Response && error.status === 400) {
      throw Response.json({ error: "invalid_signature" }, { status: 401 });
    }
    throw error;
  }
  const params = new URL(request.url).searchParams;
  const shopDomain = params.get("shop")!;
  if (request.method === "GET") await spendRateLimit("appProxyRead", shopDomain);
  const shop = await findInstalledShop(prisma, shopDomain);
  if (!shop) throw Response.json({ error: "shop_not_installed" }, { status: 404 });
  return { shop: shopForShoppers(shop), customerId: params.get("logged_in_customer_id") || null };
}
