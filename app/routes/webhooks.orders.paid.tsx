import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { needsProductFacts, type ProductFacts } from "~/loyalty/earning";
import { recordPaidOrder } from "~/loyalty/orders.server";
import { AdminGateway } from "~/shopify/admin-gateway.server";
import { paidOrderPayload } from "~/shopify/order-payloads";
import { fetchProductFacts } from "~/shopify/products.server";
import { handleShopWebhook, rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

export async function action({ request }: ActionFunctionArgs) {
  return handleShopWebhook<typeof paidOrderPayload, Map<string, ProductFacts>>(
    request,
    "orders/paid",
    paidOrderPayload,
    (tx, { shop, payload, now, prepared }) => recordPaidOrder(tx, shop, payload, now, prepared),
    async (shop, order) => {
      const productIds = order.lines.flatMap((line) => (line.productId ? [line.productId] : []));
      if (!needsProductFacts(shop.program) || !productIds.length) return new Map<string, ProductFacts>();
      return fetchProductFacts(await AdminGateway.forShop(prisma, shop.domain), productIds);
    },
  );
}
