import type { ActionFunctionArgs } from "@remix-run/node";
import { recordRefund } from "~/loyalty/orders/orders.server";
import { refundPayload } from "~/shopify/order-payloads";
import { handleShopWebhook } from "~/edge/shop-webhooks.server";
import { rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

export async function action({ request }: ActionFunctionArgs) {
  return handleShopWebhook(request, "refunds/create", refundPayload, (tx, { shop, payload, now }) =>
    recordRefund(tx, shop, payload, now),
  );
}
