import type { AdminGateway } from "./admin-gateway.server";
import { quoted } from "./automatic-discounts.server";
import { AdminUserError } from "./errors";
import { adminOperation } from "./operation";
import { legacyId } from "./order-payloads";

/**
 * The paid membership's product in Shopify (issue 22): one product named after the membership,
 * one variant per plan, unlisted (Shopify keeps it out of search, collections and the sitemap),
 * requiring no shipping. The product carries the tag MEMBERSHIP_PRODUCT_TAG and each variant the
 * SKU `tally-membership-<plan id>`, so a second attempt after a lost answer finds what the first
 * made instead of making another (docs/decisions/0021-look-up-before-retrying-a-create.md).
 */

export const MEMBERSHIP_PRODUCT_TAG = "tally-membership";
export const membershipSku = (planId: string) => `tally-membership-${planId}`;
/** The product's one option: each plan is a value of it. */
const PLAN_OPTION = "Plan";

const MembershipProductsTagged = adminOperation(`#graphql
  query MembershipProductsTagged($query: String!) {
    products(first: 5, query: $query) {
      nodes {
        id
        handle
        tags
        variants(first: 20) {
          nodes { id sku }
        }
      }
    }
  }
`);

const CreateMembershipProduct = adminOperation(`#graphql
  mutation CreateMembershipProduct($product: ProductCreateInput!) {
    productCreate(product: $product) {
      product {
        id
        handle
      }
      userErrors { field message }
    }
  }
`);

const CreateMembershipVariants = adminOperation(`#graphql
  mutation CreateMembershipVariants(
    $productId: ID!
    $variants: [ProductVariantsBulkInput!]!
    $strategy: ProductVariantsBulkCreateStrategy
  ) {
    productVariantsBulkCreate(productId: $productId, variants: $variants, strategy: $strategy) {
      productVariants { id sku }
      userErrors { field message code }
    }
  }
`);

const MembershipVariants = adminOperation(`#graphql
  query MembershipVariants($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on ProductVariant {
        id
        product { id handle }
      }
    }
  }
`);

/** What the product sells: the membership's name and description, and one entry per plan. */
export interface MembershipProductSpec {
  title: string;
  descriptionHtml: string;
  /** Whether the variants are taxable (the merchant's choice; Shopify's default is taxable). */
  taxable: boolean;
  plans: { id: string; name: string; price: number }[];
}

export interface MembershipProduct {
  productId: string;
  handle: string;
  /** Plan id → the numeric id of its variant. */
  variantIds: Record<string, string>;
}

const variantInput = (spec: MembershipProductSpec, plan: MembershipProductSpec["plans"][number]) => ({
  optionValues: [{ optionName: PLAN_OPTION, name: plan.name }],
  price: plan.price.toFixed(2),
  taxable: spec.taxable,
  inventoryItem: { sku: membershipSku(plan.id), requiresShipping: false, tracked: false },
});

/**
 * Makes sure the membership's product exists with a variant for each plan, and returns their ids.
 * The product is looked up by its tag first; plans whose variant (by SKU) it lacks are added.
 * Send it through a gateway with `maxAttempts: 1`: a failed attempt is retried by calling this
 * again, which looks before it creates.
 */
export async function ensureMembershipProduct(
  admin: AdminGateway,
  spec: MembershipProductSpec,
): Promise<MembershipProduct> {
  const { products } = await admin.request(MembershipProductsTagged, {
    query: `tag:${quoted(MEMBERSHIP_PRODUCT_TAG)}`,
  });
  let product = products.nodes.find((node) => node.tags.includes(MEMBERSHIP_PRODUCT_TAG)) ?? null;
  let existing = product?.variants.nodes ?? [];
  if (!product) {
    const created = await admin.mutate(
      CreateMembershipProduct,
      {
        product: {
          title: spec.title,
          descriptionHtml: spec.descriptionHtml,
          tags: [MEMBERSHIP_PRODUCT_TAG],
          // Reached through the offer's links only: no search, collections, recommendations or sitemap.
          status: "UNLISTED",
          productType: "Membership",
          productOptions: [{ name: PLAN_OPTION, values: spec.plans.map((plan) => ({ name: plan.name })) }],
        },
      },
      (data) => data.productCreate,
    );
    product = { ...created.product!, tags: [MEMBERSHIP_PRODUCT_TAG], variants: { nodes: [] } };
    existing = [];
  }
  const bySku = new Map(existing.flatMap((variant) => (variant.sku ? [[variant.sku, variant.id] as const] : [])));
  const missing = spec.plans.filter((plan) => !bySku.has(membershipSku(plan.id)));
  if (missing.length) {
    const { productVariants } = await admin.mutate(
      CreateMembershipVariants,
      {
        productId: product.id,
        variants: missing.map((plan) => variantInput(spec, plan)),
        // productCreate left one variant for the option's first value: the plans' variants replace it.
        strategy: bySku.size ? "DEFAULT" : "REMOVE_STANDALONE_VARIANT",
      },
      (data) => data.productVariantsBulkCreate,
    );
    for (const variant of productVariants ?? []) if (variant.sku) bySku.set(variant.sku, variant.id);
  }
  const variantIds: Record<string, string> = {};
  for (const plan of spec.plans) {
    const id = bySku.get(membershipSku(plan.id));
    if (!id)
      throw new AdminUserError(
        [{ field: ["variants"], message: `no variant for plan ${plan.id}` }],
        "CreateMembershipVariants",
        admin.shop,
      );
    variantIds[plan.id] = legacyId(id)!;
  }
  return { productId: legacyId(product.id)!, handle: product.handle, variantIds };
}

/**
 * Which of these variants (numeric ids) exist in the shop, with their product's handle: one call.
 * A variant deleted in Shopify, or another shop's, is absent from the answer.
 */
export async function findVariants(
  admin: AdminGateway,
  variantIds: string[],
): Promise<Map<string, { productHandle: string }>> {
  const found = new Map<string, { productHandle: string }>();
  const unique = [...new Set(variantIds)];
  if (!unique.length) return found;
  const { nodes } = await admin.request(MembershipVariants, {
    ids: unique.map((id) => `gid://shopify/ProductVariant/${id}`),
  });
  for (const node of nodes) {
    if (node && "product" in node && node.product)
      found.set(legacyId(node.id)!, { productHandle: node.product.handle });
  }
  return found;
}
