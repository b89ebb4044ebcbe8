import type { ActionFunctionArgs } from "@remix-run/node";
import { awardNewsletterSignup } from "~/loyalty/actions/actions.server";
import { emailMarketingConsentPayload } from "~/shopify/webhook-payloads";
import { handleShopWebhook } from "~/edge/shop-webhooks.server";
import { rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

/** A customer subscribed to email marketing: the program's newsletter actions, once per customer. */
export async function action({ request }: ActionFunctionArgs) {
  return handleShopWebhook(
    request,
    "customers_email_marketing_consent/update",
    emailMarketingConsentPayload,
    (tx, { shop, payload, now }) =>
      payload.subscribed ? awardNewsletterSignup(tx, shop, { customerId: payload.customerId, now }) : Promise.resolve(),
  );
}
