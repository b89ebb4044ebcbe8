import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateAppProxy } from "~/edge/app-proxy.server";
import { onlyMethods } from "~/http/methods.server";
import { inShopperLanguage } from "~/storefront/shopper-language.server";

/** `/apps/tally/status`: lets the storefront tell a guest from a signed-in shopper. */
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerId } = await authenticateAppProxy(request);
  return Response.json(
    { shop: shop.domain, customer: customerId ? { id: customerId } : null },
    { headers: { "Cache-Control": "private, no-store" } },
  );
});

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
