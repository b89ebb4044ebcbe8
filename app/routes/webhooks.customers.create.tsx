import type { ActionFunctionArgs } from "@remix-run/node";
import { enrolCustomer } from "~/loyalty/members/members.server";
import { attributeSignup } from "~/loyalty/referrals/referrals.server";
import { customerPayload } from "~/shopify/order-payloads";
import { handleShopWebhook } from "~/edge/shop-webhooks.server";
import { rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

export async function action({ request }: ActionFunctionArgs) {
  return handleShopWebhook(request, "customers/create", customerPayload, async (tx, { shop, payload, now }) => {
    const enrolled = await enrolCustomer(tx, shop, payload, now, { signupBonus: true, checkNewsletter: true });
    await attributeSignup(tx, shop, payload);
    return enrolled;
  });
}
