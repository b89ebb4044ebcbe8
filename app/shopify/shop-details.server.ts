import type { AdminGateway } from "./admin-gateway.server";
import { adminOperation } from "./operation";

export interface ShopDetails {
  /** The shop's GID, e.g. gid://shopify/Shop/42. */
  id: string;
  name: string;
  email: string;
  currencyCode: string;
  ianaTimezone: string;
  myshopifyDomain: string;
}

const ShopDetailsQuery = adminOperation<{ shop: ShopDetails }>(`#graphql
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
