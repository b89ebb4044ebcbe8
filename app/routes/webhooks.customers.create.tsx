import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptShopWebhook } from "~/edge/shop-webhooks.server";
import { rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

export const action = ({ request }: ActionFunctionArgs) => acceptShopWebhook(request, "customers/create");
