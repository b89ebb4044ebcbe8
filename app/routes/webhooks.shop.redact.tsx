import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { deleteShopData } from "~/loyalty/members/privacy.server";
import { isStillInstalled } from "~/shopify/installation.server";
import { shopRedactPayload } from "~/shopify/webhook-payloads";
import { parsePayload, processDeliveryOnce, receiveWebhook, rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

/**
 * Shopify sends shop/redact 48 hours after an uninstall. For a shop that is still installed it
 * is a replayed or forged body: refused (409), nothing deleted.
 */
export async function action({ request }: ActionFunctionArgs) {
  const delivery = await receiveWebhook(request, "shop/redact");
  parsePayload(shopRedactPayload, delivery.payload);
  if (await isStillInstalled(prisma, delivery.shop)) {
    return Response.json({ error: "shop_still_installed" }, { status: 409 });
  }
  await processDeliveryOnce(delivery, (tx) => deleteShopData(tx, delivery.shop));
  return new Response(null, { status: 200 });
}
