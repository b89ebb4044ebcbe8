import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { applyCapApproach } from "~/loyalty/billing/billing.server";
import type { CurrencyCode } from "~/shopify/admin-operations.generated";
import { appSubscriptionCapPayload } from "~/shopify/webhook-payloads";
import { parsePayload, processDeliveryOnce, receiveWebhook, rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

/** Shopify's balance and cap at 90% of the cap: the billing page and its banner show them. */
export async function action({ request }: ActionFunctionArgs) {
  const delivery = await receiveWebhook(request, "app_subscriptions/approaching_capped_amount");
  const { app_subscription: subscription } = parsePayload(appSubscriptionCapPayload, delivery.payload);
  const shop = await prisma.shop.findUnique({
    where: { domain: delivery.shop },
    select: { id: true, domain: true, shopifyShopId: true },
  });
  const currencyCode = subscription.currency_code as CurrencyCode;
  await processDeliveryOnce(delivery, async (tx) => {
    if (!shop) return;
    await applyCapApproach(tx, shop, {
      subscriptionId: subscription.admin_graphql_api_id,
      shopGid: subscription.admin_graphql_api_shop_id,
      balanceUsed: { amount: subscription.balance_used, currencyCode },
      cappedAmount: { amount: subscription.capped_amount, currencyCode },
    });
  });
  return new Response(null, { status: 200 });
}
