import type { LoaderFunctionArgs } from "@remix-run/node";
import { onlyMethods } from "~/http/methods.server";
import { authenticateAppProxy } from "~/edge/app-proxy.server";
import { productMultiplierFor } from "~/storefront/api.server";
import { inShopperLanguage } from "~/storefront/shopper-language.server";

/** GET /apps/tally/product-multiplier: what the product rules make of one product (the product block). */
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAppProxy(request);
  return productMultiplierFor(shop, new URL(request.url).searchParams);
});

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
