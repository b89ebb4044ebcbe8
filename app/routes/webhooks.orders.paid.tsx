import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { awaitProductFacts, orderPaid, recordPaidOrder } from "~/loyalty/orders/orders.server";
import {
  asksNothing,
  factsToAsk,
  fetchOrderFacts,
  NO_ORDER_FACTS,
  type OrderFacts,
} from "~/loyalty/orders/order-facts.server";
import { paidOrderWebhook } from "~/loyalty/orders/paid-order";
import { askWithinWebhookBudget } from "~/shopify/products.server";
import { handleShopWebhook } from "~/edge/shop-webhooks.server";
import { rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

/**
 * A paid order is scored in the delivery's transaction when what Shopify must tell first (product
 * facts for rules by tag, type or collection; the customer's segments for a bonus event limited to
 * a segment) comes within the webhook's budget; otherwise it waits in the outbox and the delivery
 * still answers 200 at once. Null facts mean "not fetched in time".
 */
export async function action({ request }: ActionFunctionArgs) {
  return handleShopWebhook<typeof paidOrderWebhook, OrderFacts | null>(
    request,
    "orders/paid",
    paidOrderWebhook,
    (tx, { shop, payload, now, prepared }) =>
      prepared
        ? recordPaidOrder(tx, shop, payload, now, prepared.products, prepared.segmentIds)
        : awaitProductFacts(tx, shop, payload, now),
    async (shop, order) => {
      const ask = factsToAsk(shop, order);
      // Facts only count on the first payment: an order already paid needs no Admin API call.
      if (asksNothing(ask) || (await orderPaid(prisma, shop.id, order.shopifyOrderId))) return NO_ORDER_FACTS;
      return askWithinWebhookBudget(prisma, shop.domain, (admin) => fetchOrderFacts(admin, order, ask));
    },
  );
}
