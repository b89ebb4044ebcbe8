import type { PrismaClient } from "@prisma/client";
import { matchLanguage } from "~/language-match";
import { AdminGateway } from "./admin-gateway.server";
import { AdminHttpError, ShopNotInstalledError } from "./errors";
import { legacyId } from "./order-payloads";
import { fetchInstalledShop, fetchShopDetails } from "./shop-details.server";
import { matchesShopifyShopId } from "./shops.server";

/** A webhook asks Shopify once, briefly: Shopify redelivers what it could not settle. */
const WEBHOOK_BUDGET = { maxAttempts: 1, timeoutMs: 2_000 };

/**
 * Whether Tally is still installed on the shop. Without an offline session it is not. With one,
 * only Shopify knows (an app/uninstalled delivery may have been missed): a token Shopify still
 * accepts means installed, a rejected token (401/403) means uninstalled. When Shopify cannot be
 * asked, the answer is unknown and the caller must not guess: this throws a 503, so Shopify
 * redelivers later.
 */
export async function isStillInstalled(db: PrismaClient, shopDomain: string): Promise<boolean> {
  try {
    await fetchShopDetails(await AdminGateway.forShop(db, shopDomain, WEBHOOK_BUDGET));
    return true;
  } catch (error) {
    if (error instanceof ShopNotInstalledError) return false;
    if (error instanceof AdminHttpError && (error.status === 401 || error.status === 403)) return false;
    throw Response.json({ error: "shopify_unreachable" }, { status: 503, headers: { "Retry-After": "60" } });
  }
}

/**
 * At install, Shopify's id of the shop and its primary language, from the Admin API with the
 * shop's own token (one brief attempt: an install never fails for it; a later signed compliance
 * payload teaches the id too, and the language stays English until a reinstall).
 */
export async function learnInstalledShop(db: PrismaClient, shopDomain: string, accessToken: string) {
  try {
    const { id, primaryLocale } = await fetchInstalledShop(
      new AdminGateway(shopDomain, accessToken, { maxAttempts: 1, timeoutMs: 2_000 }),
    );
    await matchesShopifyShopId(db, shopDomain, legacyId(id)!, true);
    await db.shop.updateMany({ where: { domain: shopDomain }, data: { language: matchLanguage(primaryLocale) } });
  } catch (error) {
    console.warn(JSON.stringify({ event: "shop.id_unknown", shop: shopDomain, error: String(error) }));
  }
}
