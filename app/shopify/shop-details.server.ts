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
