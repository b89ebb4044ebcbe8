import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { withCors } from "~/edge/extension-auth.server";
import { authenticatePos } from "~/edge/pos-auth.server";
import { onlyMethods } from "~/http/methods.server";
import { lookUpMembers } from "~/storefront/pos-api.server";
import { inShopperLanguage, shopperLanguage } from "~/storefront/shopper-language.server";

/** GET /api/pos/members?query= — staff look a member up by email, name or phone (OPTIONS → 204). */
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticatePos(request);
  const query = new URL(request.url).searchParams.get("query");
  return withCors(await lookUpMembers(prisma, shop, query, shopperLanguage(request)));
});

/** Read-only (OPTIONS is the preflight): other methods get 405. */
export const action = onlyMethods("GET", "OPTIONS");
