import type { ActionFunctionArgs } from "@remix-run/node";
import { redactCustomer } from "~/loyalty/members/privacy.server";
import { customersRedactPayload } from "~/shopify/webhook-payloads";
import { parsePayload, processDeliveryOnce, receiveWebhook, rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

export async function action({ request }: ActionFunctionArgs) {
  const delivery = await receiveWebhook(request, "customers/redact");
  const payload = parsePayload(customersRedactPayload, delivery.payload);
  await processDeliveryOnce(delivery, async (tx) => {
    const shop = await tx.shop.findUnique({ where: { domain: delivery.shop }, select: { id: true } });
    await redactCustomer(
      tx,
      { id: shop?.id ?? null, domain: delivery.shop },
      {
        shopifyCustomerId: payload.customer.id,
        ordersToRedact: payload.orders_to_redact,
        email: payload.customer.email,
      },
    );
  });
  return new Response(null, { status: 200 });
}
