import type { ActionFunctionArgs } from "@remix-run/node";
import { cancelSubscriptionsOnUninstall } from "~/loyalty/billing/billing.server";
import { processDeliveryOnce, receiveWebhook, rejectNonPost } from "~/shopify/webhooks.server";

/** Sessions go at once, and the plan (Shopify cancels it); loyalty data stays for a reinstall until shop/redact arrives. */
export const loader = rejectNonPost;

export async function action({ request }: ActionFunctionArgs) {
  const delivery = await receiveWebhook(request, "app/uninstalled");
  await processDeliveryOnce(delivery, async (tx) => {
    await tx.session.deleteMany({ where: { shop: delivery.shop } });
    await tx.shop.updateMany({
      where: { domain: delivery.shop },
      data: { status: "uninstalled", uninstalledAt: new Date() },
    });
    await cancelSubscriptionsOnUninstall(tx, delivery.shop);
  });
  return new Response(null, { status: 200 });
}
