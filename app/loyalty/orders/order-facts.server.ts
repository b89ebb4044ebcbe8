import type { LoadedShop } from "~/loyalty/program/program.server";
import { needsProductFacts, segmentsToAsk } from "~/loyalty/points/earning";
import type { AdminGateway } from "~/shopify/admin-gateway.server";
import { fetchProductFacts, type ProductFacts } from "~/shopify/products.server";
import { customerSegmentsAmong } from "~/shopify/segments.server";
import type { PaidOrder } from "./paid-order";

/**
 * What Shopify tells Tally about a paid order before it is scored: its products' facts (for rules
 * by tag, type or collection) and which customer segments the customer is in (for bonus events
 * limited to a segment). Asked outside the transaction; most orders need neither, and cost nothing.
 */
export interface OrderFacts {
  products: ReadonlyMap<string, ProductFacts>;
  segmentIds: ReadonlySet<string>;
}

export const NO_ORDER_FACTS: OrderFacts = { products: new Map(), segmentIds: new Set() };

export interface FactsToAsk {
  productIds: string[];
  segmentIds: string[];
}

/** What the program needs asked to score this order (nothing, mostly). */
export function factsToAsk(shop: LoadedShop, paid: PaidOrder): FactsToAsk {
  return {
    productIds: needsProductFacts(shop.program)
      ? paid.lines.flatMap((line) => (line.productId ? [line.productId] : []))
      : [],
    segmentIds: paid.customerId ? segmentsToAsk(shop.program, paid.placedAt) : [],
  };
}

export const asksNothing = (ask: FactsToAsk) => !ask.productIds.length && !ask.segmentIds.length;

export async function fetchOrderFacts(admin: AdminGateway, paid: PaidOrder, ask: FactsToAsk): Promise<OrderFacts> {
  const [products, segmentIds] = await Promise.all([
    ask.productIds.length ? fetchProductFacts(admin, ask.productIds) : NO_ORDER_FACTS.products,
    ask.segmentIds.length && paid.customerId
      ? customerSegmentsAmong(admin, paid.customerId, ask.segmentIds)
      : NO_ORDER_FACTS.segmentIds,
  ]);
  return { products, segmentIds };
}
