import type { ActionFunctionArgs } from "@remix-run/node";
import { scopesUpdatePayload } from "~/shopify/webhook-payloads";
import { parsePayload, processDeliveryOnce, receiveWebhook, rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

export async function action({ request }: ActionFunctionArgs) {
  const delivery = await receiveWebhook(request, "app/scopes_update");
  const { current } = parsePayload(scopesUpdatePayload, delivery.payload);
  const scopes = current.join(",");
  await processDeliveryOnce(delivery, async (tx) => {
    await tx.session.updateMany({ where: { shop: delivery.shop }, data: { scope: scopes } });
    await tx.shop.updateMany({ where: { domain: delivery.shop }, data: { scopes } });
  });
  return new Response(null, { status: 200 });
}
