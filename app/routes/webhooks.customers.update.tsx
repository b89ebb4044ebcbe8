import type { ActionFunctionArgs } from "@remix-run/node";
import { enrolCustomer } from "~/loyalty/members/members.server";
import { customerPayload } from "~/shopify/order-payloads";
import { handleShopWebhook } from "~/edge/shop-webhooks.server";
import { rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

export async function action({ request }: ActionFunctionArgs) {
  return handleShopWebhook(request, "customers/update", customerPayload, (tx, { shop, payload, now }) =>
    enrolCustomer(tx, shop, payload, now, { signupBonus: false }),
  );
}
