import type { ActionFunctionArgs } from "@remix-run/node";
import { onlyMethods, requireMethod } from "~/http/methods.server";
import prisma from "~/db.server";
import { authenticateAppProxy } from "~/edge/app-proxy.server";
import { surpriseSeenForCustomer } from "~/storefront/api.server";
import { inShopperLanguage } from "~/storefront/shopper-language.server";

export const loader = onlyMethods("POST");

/** POST /apps/tally/surprises/:id/seen: the signed-in shopper saw the campaign's surprise (shown once). */
export const action = inShopperLanguage(async ({ request, params }: ActionFunctionArgs) => {
  requireMethod(request, "POST");
  const { shop, customerId } = await authenticateAppProxy(request);
  if (!customerId) return Response.json({ error: "not_logged_in" }, { status: 401 });
  return surpriseSeenForCustomer(prisma, shop, customerId, params.id ?? "");
});
