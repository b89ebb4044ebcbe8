import type { Prisma, PrismaClient } from "@prisma/client";

type Db = PrismaClient | Prisma.TransactionClient;

/** The session id the Prisma session storage gives a shop's offline session. */
export const offlineSessionId = (shopDomain: string) => `offline_${shopDomain}`;

/**
 * A shop counts as installed when it has an offline session, however it got one (OAuth,
 * token exchange, a CLI-installed dev store). Tally's own record follows on first use.
 */
export async function ensureShop(db: Db, shopDomain: string, scopes?: string | null) {
  return db.shop.upsert({
    where: { domain: shopDomain },
    create: { domain: shopDomain, scopes: scopes ?? null },
    update: {
      status: "installed",
      uninstalledAt: null,
      ...(scopes ? { scopes } : {}),
    },
  });
}

/**
 * Records Shopify's id of the shop the first time a source Shopify vouches for names it, and
 * tells whether `shopId` is the shop's: true when it matches the recorded id or was just learned
 * (`trusted`), false when it names another shop. An untrusted id is not learned: it only
 * passes while there is nothing to compare it with.
 */
export async function matchesShopifyShopId(
  db: Db,
  shopDomain: string,
  shopId: string,
  trusted: boolean,
): Promise<boolean> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { shopifyShopId: true } });
  if (shop?.shopifyShopId) return shop.shopifyShopId === shopId;
  if (shop && trusted)
    await db.shop.updateMany({ where: { domain: shopDomain, shopifyShopId: null }, data: { shopifyShopId: shopId } });
  return true;
}
