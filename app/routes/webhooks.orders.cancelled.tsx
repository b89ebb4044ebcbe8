import type { ActionFunctionArgs } from "@remix-run/node";
import { recordCancellation } from "~/loyalty/orders/orders.server";
import { cancelledOrderPayload } from "~/shopify/order-payloads";
import { handleShopWebhook } from "~/edge/shop-webhooks.server";
import { rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

export async function action({ request }: ActionFunctionArgs) {
  return handleShopWebhook(request, "orders/cancelled", cancelledOrderPayload, (tx, { shop, payload, now }) =>
    recordCancellation(tx, shop, payload.shopifyOrderId, payload.cancelledAt, now),
  );
}
