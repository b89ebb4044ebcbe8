import type { ActionFunctionArgs } from "@remix-run/node";
import { recordDataRequest } from "~/loyalty/members/privacy.server";
import { customersDataRequestPayload } from "~/shopify/webhook-payloads";
import { parsePayload, processDeliveryOnce, receiveWebhook, rejectNonPost } from "~/shopify/webhooks.server";

/** Stores a JSON export of everything Tally holds on the shopper, for the merchant to send. */
export const loader = rejectNonPost;

export async function action({ request }: ActionFunctionArgs) {
  const delivery = await receiveWebhook(request, "customers/data_request");
  const payload = parsePayload(customersDataRequestPayload, delivery.payload);
  await processDeliveryOnce(delivery, async (tx) => {
    const shop = await tx.shop.findUnique({ where: { domain: delivery.shop }, select: { id: true } });
    const record = await recordDataRequest(
      tx,
      { id: shop?.id ?? null, domain: delivery.shop },
      { shopifyCustomerId: payload.customer.id, ordersRequested: payload.orders_requested },
    );
    console.info(
      JSON.stringify({ event: "compliance.data_request", shop: delivery.shop, complianceRequestId: record.id }),
    );
  });
  return new Response(null, { status: 200 });
}
