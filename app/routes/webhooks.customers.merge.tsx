import type { ActionFunctionArgs } from "@remix-run/node";
import { mergeCustomers } from "~/loyalty/members/members.server";
import { customersMergePayload } from "~/shopify/order-payloads";
import { handleShopWebhook } from "~/edge/shop-webhooks.server";
import { rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

export async function action({ request }: ActionFunctionArgs) {
  return handleShopWebhook(request, "customers/merge", customersMergePayload, async (tx, { shop, payload, now }) => {
    if (payload.completed) await mergeCustomers(tx, shop, payload.keptCustomerId, payload.deletedCustomerId, now);
  });
}
