import type { AdminGateway } from "./admin-gateway.server";
import type * as Admin from "./admin-operations.generated";
import { adminOperation } from "./operation";

/** `id` is the shop's GID, e.g. gid://shopify/Shop/42. */
export type ShopDetails = Admin.ShopDetailsQuery["shop"];

const ShopDetailsQuery = adminOperation(`#graphql
  query ShopDetails {
    shop {
      id
      name
      email
      currencyCode
      ianaTimezone
      myshopifyDomain
    }
  }
`);

/** The shop facts the program depends on: its currency (points are money) and time zone. */
export async function fetchShopDetails(admin: AdminGateway): Promise<ShopDetails> {
  const { shop } = await admin.request(ShopDetailsQuery);
  return shop;
}

const InstalledShopQuery = adminOperation(`#graphql
  query InstalledShop {
    shop {
      id
    }
    shopLocales {
      locale
      primary
    }
  }
`);

/**
 * What Tally learns once, at install: the shop's id and its primary locale (e.g. fr-FR, the
 * language its merchant writes Flow workflows in). Its own query, since the locales need
 * read_locales, which a shop installed before that scope grants only when it accepts the update.
 */
export async function fetchInstalledShop(admin: AdminGateway): Promise<{ id: string; primaryLocale: string | null }> {
  const { shop, shopLocales } = await admin.request(InstalledShopQuery);
  return { id: shop.id, primaryLocale: shopLocales.find((locale) => locale.primary)?.locale ?? null };
}
