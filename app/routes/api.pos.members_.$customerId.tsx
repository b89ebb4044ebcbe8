import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { withCors } from "~/edge/extension-auth.server";
import { authenticatePos } from "~/edge/pos-auth.server";
import { onlyMethods } from "~/http/methods.server";
import { memberView } from "~/storefront/api.server";
import { isCustomerId } from "~/storefront/pos-api.server";
import { inShopperLanguage, shopperLanguage } from "~/storefront/shopper-language.server";

/** GET /api/pos/members/:customerId — the member view the shopper sees, for staff at the counter (OPTIONS → 204). */
export const loader = inShopperLanguage(async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await authenticatePos(request);
  if (!isCustomerId(params.customerId))
    return withCors(Response.json({ error: "invalid_customer_id" }, { status: 400 }));
  return withCors(Response.json(await memberView(prisma, shop, params.customerId, shopperLanguage(request))));
});

/** Read-only (OPTIONS is the preflight): other methods get 405. */
export const action = onlyMethods("GET", "OPTIONS");
