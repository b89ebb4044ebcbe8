import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { forwardAppProxy } from "~/storefront/preview/storefront.server";

/**
 * The storefront preview's App Proxy (sandbox only): `/sandbox/apps/tally/<path>` is signed as
 * Shopify signs `/apps/tally/<path>`, for the customer signed in to the preview, and forwarded
 * to the app's `/proxy/<path>`.
 */
export function loader({ request, params }: LoaderFunctionArgs) {
  return forwardAppProxy(request, params["*"] ?? "");
}

export function action({ request, params }: ActionFunctionArgs) {
  return forwardAppProxy(request, params["*"] ?? "");
}
