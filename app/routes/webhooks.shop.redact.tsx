import type { ActionFunctionArgs } from "@remix-run/node";
import { deleteShopData } from "~/loyalty/privacy.server";
import { shopRedactPayload } from "~/shopify/webhook-payloads";
import { parsePayload, processDeliveryOnce, receiveWebhook, rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

export async function action({ request }: ActionFunctionArgs) {
  const delivery = await receiveWebhook(request);
  parsePayload(shopRedactPayload, delivery.payload);
  await processDeliveryOnce(delivery, (tx) => deleteShopData(tx, delivery.shop));
  return new Response(null, { status: 200 });
}
