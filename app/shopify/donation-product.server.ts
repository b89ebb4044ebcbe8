import { decimalAmount } from "~/money/money";
import type { AdminGateway } from "./admin-gateway.server";
import { quoted } from "./automatic-discounts.server";
import { AdminUserError } from "./errors";
import { adminOperation } from "./operation";
import { legacyId } from "./order-payloads";

/**
 * The round-up's donation product in Shopify (issue 24, docs/decisions/0028): one unlisted product
 * (out of search, collections and the sitemap) with one variant priced at one minor unit of the
 * shop's currency (0.01 USD, 1 JPY, 0.001 KWD), bought in quantity (a 0.73 round-up is 73 of it).
 * The product carries the tag DONATION_TAG and its variant the SKU DONATION_SKU, so a second attempt
 * after a lost answer finds what the first made (docs/decisions/0021-look-up-before-retrying-a-create.md).
 */

export const DONATION_TAG = "tally-donation";
export const DONATION_SKU = "tally-donation";

const DonationProductTagged = adminOperation(`#graphql
  query DonationProductTagged($query: String!) {
    shop { currencyCode }
    products(first: 5, query: $query) {
      nodes {
        id
        tags
        variants(first: 5) {
          nodes { id sku }
        }
      }
    }
  }
`);

const CreateDonationProduct = adminOperation(`#graphql
  mutation CreateDonationProduct($product: ProductCreateInput!) {
    productCreate(product: $product) {
      product {
        id
        variants(first: 1) {
          nodes { id sku }
        }
      }
      userErrors { field message }
    }
  }
`);

const SetDonationVariant = adminOperation(`#graphql
  mutation SetDonationVariant($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
    productVariantsBulkUpdate(productId: $productId, variants: $variants) {
      productVariants { id sku price }
      userErrors { field message code }
    }
  }
`);

export interface DonationProduct {
  /** Numeric ids, as the program keeps them. */
  productId: string;
  variantId: string;
  currencyCode: string;
}

/** One minor unit of a currency as Shopify's decimal text: "0.01" in USD, "1" in JPY, "0.001" in KWD. */
export const oneMinorUnit = (currencyCode: string) => decimalAmount(1n, currencyCode);

/**
 * Makes sure the donation product exists and returns its ids. The product is looked up by its tag
 * first; productCreate's own variant becomes the donation variant (price, SKU, not tracked, no
 * shipping) unless a variant already has the SKU. Send it through a gateway with `maxAttempts: 1`:
 * a failed attempt is retried by calling this again, which looks before it creates.
 */
export async function ensureDonationProduct(
  admin: AdminGateway,
  options: { title: string; descriptionHtml: string; taxable: boolean },
): Promise<DonationProduct> {
  const { shop, products } = await admin.request(DonationProductTagged, { query: `tag:${quoted(DONATION_TAG)}` });
  let product = products.nodes.find((node) => node.tags.includes(DONATION_TAG)) ?? null;
  if (!product) {
    const created = await admin.mutate(
      CreateDonationProduct,
      {
        product: {
          title: options.title,
          descriptionHtml: options.descriptionHtml,
          tags: [DONATION_TAG],
          // Added by the round-up only: no search, collections, recommendations or sitemap.
          status: "UNLISTED",
          productType: "Donation",
        },
      },
      (data) => data.productCreate,
    );
    product = { ...created.product!, tags: [DONATION_TAG] };
  }
  const variants = product.variants.nodes;
  let variant = variants.find((node) => node.sku === DONATION_SKU) ?? null;
  if (!variant) {
    const standalone = variants[0];
    if (!standalone)
      throw new AdminUserError(
        [{ field: ["variants"], message: "the donation product has no variant" }],
        "SetDonationVariant",
        admin.shop,
      );
    const { productVariants } = await admin.mutate(
      SetDonationVariant,
      {
        productId: product.id,
        variants: [
          {
            id: standalone.id,
            price: oneMinorUnit(shop.currencyCode),
            taxable: options.taxable,
            inventoryItem: { sku: DONATION_SKU, requiresShipping: false, tracked: false },
          },
        ],
      },
      (data) => data.productVariantsBulkUpdate,
    );
    variant = productVariants?.find((node) => node.sku === DONATION_SKU) ?? null;
    if (!variant)
      throw new AdminUserError(
        [{ field: ["variants"], message: "no donation variant" }],
        "SetDonationVariant",
        admin.shop,
      );
  }
  return { productId: legacyId(product.id)!, variantId: legacyId(variant.id)!, currencyCode: shop.currencyCode };
}
