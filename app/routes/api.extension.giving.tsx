import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticateExtension, withCors } from "~/edge/extension-auth.server";
import { onlyMethods } from "~/http/methods.server";
import { givingTotals } from "~/storefront/api.server";
import { inShopperLanguage, shopperLanguage } from "~/storefront/shopper-language.server";

/** GET /api/extension/giving — the same answer as /apps/tally/giving, for checkout and account extensions (OPTIONS → 204). */
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticateExtension(request);
  return withCors(await givingTotals(prisma, shop, shopperLanguage(request)));
});

/** Read-only (OPTIONS is the preflight): other methods get 405. */
export const action = onlyMethods("GET", "OPTIONS");
