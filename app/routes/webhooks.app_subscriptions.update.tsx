import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { applySubscriptionUpdate } from "~/loyalty/billing/billing.server";
import { appSubscriptionUpdatePayload } from "~/shopify/webhook-payloads";
import { parsePayload, processDeliveryOnce, receiveWebhook, rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

/** The plan approved, declined, frozen or cancelled: shoppers see the program only while it is active. */
export async function action({ request }: ActionFunctionArgs) {
  const delivery = await receiveWebhook(request, "app_subscriptions/update");
  const { app_subscription: subscription } = parsePayload(appSubscriptionUpdatePayload, delivery.payload);
  const shop = await prisma.shop.findUnique({
    where: { domain: delivery.shop },
    select: { id: true, domain: true, shopifyShopId: true },
  });
  await processDeliveryOnce(delivery, async (tx) => {
    if (!shop) return;
    await applySubscriptionUpdate(
      tx,
      shop,
      {
        subscriptionId: subscription.admin_graphql_api_id,
        shopGid: subscription.admin_graphql_api_shop_id,
        status: subscription.status,
      },
      new Date(),
    );
  });
  return new Response(null, { status: 200 });
}
