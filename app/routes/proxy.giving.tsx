import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticateAppProxy } from "~/edge/app-proxy.server";
import { onlyMethods } from "~/http/methods.server";
import { givingTotals } from "~/storefront/api.server";
import { inShopperLanguage, shopperLanguage } from "~/storefront/shopper-language.server";

/** GET /apps/tally/giving: the running causes and what was given to each so far (guests too). */
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAppProxy(request);
  const response = await givingTotals(prisma, shop, shopperLanguage(request));
  // The same for every shopper: a minute's staleness spares the database a read per page view.
  response.headers.set("Cache-Control", "public, max-age=60");
  return response;
});

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
