import type { LoaderFunctionArgs } from "@remix-run/node";
import { assetResponse } from "~/storefront/preview/storefront.server";
import { onlyMethods } from "~/http/methods.server";

/** The theme app extension's assets for the storefront preview, as Shopify's CDN serves them (sandbox only). */
export function loader({ params }: LoaderFunctionArgs) {
  return assetResponse(params.file ?? "");
}

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
