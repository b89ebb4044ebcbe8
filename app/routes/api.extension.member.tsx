import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticateExtension, withCors } from "~/edge/extension-auth.server";
import { memberView } from "~/storefront/api.server";
import { onlyMethods } from "~/http/methods.server";
import { inShopperLanguage, shopperLanguage } from "~/storefront/shopper-language.server";

/** GET /api/extension/member — the same answer as /apps/tally/member, for checkout and account extensions (OPTIONS → 204). */
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerId } = await authenticateExtension(request);
  return withCors(Response.json(await memberView(prisma, shop, customerId, shopperLanguage(request))));
});

/** Read-only (OPTIONS is the preflight): other methods get 405. */
export const action = onlyMethods("GET", "OPTIONS");
