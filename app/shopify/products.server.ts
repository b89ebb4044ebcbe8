import type { PrismaClient } from "@prisma/client";
import { AdminGateway } from "./admin-gateway.server";
import { adminOperation } from "./operation";
import { legacyId } from "./order-payloads";

/** What Shopify says of a product that earning rules can match: its collections, tags and type. */
export interface ProductFacts {
  collectionIds: string[];
  tags: string[];
  productType: string | null;
}

const ProductFactsQuery = adminOperation(`#graphql
  query ProductFacts($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Product {
        id
        tags
        productType
        collections(first: 25) {
          nodes { id }
        }
      }
    }
  }
`);

// A product with its first 25 collections costs about 100 points: 8 per query stay below
// Shopify's limit of 1000 for a single query.
const PRODUCTS_PER_QUERY = 8;

/** Tags, type and collections of the products on an order, for earning rules that use them. */
export async function fetchProductFacts(admin: AdminGateway, productIds: string[]): Promise<Map<string, ProductFacts>> {
  const facts = new Map<string, ProductFacts>();
  const unique = [...new Set(productIds)];
  for (let start = 0; start < unique.length; start += PRODUCTS_PER_QUERY) {
    const ids = unique.slice(start, start + PRODUCTS_PER_QUERY).map((id) => `gid://shopify/Product/${id}`);
    const { nodes } = await admin.request(ProductFactsQuery, { ids });
    for (const node of nodes) {
      if (!node?.id) continue;
      facts.set(legacyId(node.id)!, {
        tags: node.tags,
        productType: node.productType || null,
        collectionIds: node.collections.nodes.map((c) => legacyId(c.id)!),
      });
    }
  }
  return facts;
}

/** A webhook waits this long for product facts, in one attempt: Shopify retries slow webhooks. */
export const WEBHOOK_FACTS_BUDGET_MS = 2_000;

/**
 * What a webhook asks Shopify before scoring: one attempt, within WEBHOOK_FACTS_BUDGET_MS in all
 * (bucket waits included). Null when Shopify did not answer in time: the caller settles later.
 */
export async function askWithinWebhookBudget<T>(
  db: PrismaClient,
  shopDomain: string,
  ask: (admin: AdminGateway) => Promise<T>,
): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), WEBHOOK_FACTS_BUDGET_MS);
  });
  const fetched = AdminGateway.forShop(db, shopDomain, { maxAttempts: 1, timeoutMs: WEBHOOK_FACTS_BUDGET_MS })
    .then(ask)
    .catch((error: unknown) => {
      console.warn(JSON.stringify({ event: "product_facts.deferred", shop: shopDomain, error: String(error) }));
      return null;
    });
  try {
    return await Promise.race([fetched, outOfTime]);
  } finally {
    clearTimeout(timer);
  }
}

/** Product facts for a webhook, within its budget (askWithinWebhookBudget); null when not in time. */
export async function fetchProductFactsWithinBudget(
  db: PrismaClient,
  shopDomain: string,
  productIds: string[],
): Promise<Map<string, ProductFacts> | null> {
  return askWithinWebhookBudget(db, shopDomain, (admin) => fetchProductFacts(admin, productIds));
}
