import type { ProductFacts } from "~/loyalty/earning";
import type { AdminGateway } from "./admin-gateway.server";
import { adminOperation } from "./operation";

const ProductFactsQuery = adminOperation<
  {
    nodes: ({ id: string; tags: string[]; productType: string; collections: { nodes: { id: string }[] } } | null)[];
  },
  { ids: string[] }
>(`#graphql
  query ProductFacts($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Product {
        id
        tags
        productType
        collections(first: 100) {
          nodes { id }
        }
      }
    }
  }
`);

const legacyId = (gid: string) => gid.split("/").pop()!;

/** Tags, type and collections of the products on an order, for earning rules that use them. */
export async function fetchProductFacts(admin: AdminGateway, productIds: string[]): Promise<Map<string, ProductFacts>> {
  const facts = new Map<string, ProductFacts>();
  const unique = [...new Set(productIds)];
  for (let start = 0; start < unique.length; start += 100) {
    const ids = unique.slice(start, start + 100).map((id) => `gid://shopify/Product/${id}`);
    const { nodes } = await admin.request(ProductFactsQuery, { ids });
    for (const node of nodes) {
      if (!node?.id) continue;
      facts.set(legacyId(node.id), {
        tags: node.tags,
        productType: node.productType || null,
        collectionIds: node.collections.nodes.map((c) => legacyId(c.id)),
      });
    }
  }
  return facts;
}
