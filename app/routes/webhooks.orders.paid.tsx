import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { needsProductFacts } from "~/loyalty/points/earning";
import { awaitProductFacts, orderPaid, recordPaidOrder } from "~/loyalty/orders/orders.server";
import { paidOrderWebhook } from "~/loyalty/orders/paid-order";
import { fetchProductFactsWithinBudget, type ProductFacts } from "~/shopify/products.server";
import { handleShopWebhook } from "~/edge/shop-webhooks.server";
import { rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

/**
 * A paid order is scored in the delivery's transaction when its product facts (for rules by tag,
 * type or collection) come within the webhook's budget; otherwise it waits in the outbox and the
 * delivery still answers 200 at once. Null facts mean "not fetched in time".
 */
export async function action({ request }: ActionFunctionArgs) {
  return handleShopWebhook<typeof paidOrderWebhook, Map<string, ProductFacts> | null>(
    request,
    "orders/paid",
    paidOrderWebhook,
    (tx, { shop, payload, now, prepared }) =>
      prepared ? recordPaidOrder(tx, shop, payload, now, prepared) : awaitProductFacts(tx, shop, payload, now),
    async (shop, order) => {
      const productIds = order.lines.flatMap((line) => (line.productId ? [line.productId] : []));
      // Facts only count on the first payment: an order already paid needs no Admin API call.
      if (
        !needsProductFacts(shop.program) ||
        !productIds.length ||
        (await orderPaid(prisma, shop.id, order.shopifyOrderId))
      ) {
        return new Map<string, ProductFacts>();
      }
      return fetchProductFactsWithinBudget(prisma, shop.domain, productIds);
    },
  );
}
