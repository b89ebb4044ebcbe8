import type { ActionFunctionArgs } from "@remix-run/node";
import { forgetCustomer } from "~/loyalty/members/members.server";
import { customerPayload } from "~/shopify/order-payloads";
import { handleShopWebhook } from "~/edge/shop-webhooks.server";
import { rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

export async function action({ request }: ActionFunctionArgs) {
  return handleShopWebhook(request, "customers/delete", customerPayload, (tx, { shop, payload, now }) =>
    forgetCustomer(tx, shop, payload.customerId, now),
  );
}
