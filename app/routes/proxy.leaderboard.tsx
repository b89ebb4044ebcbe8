import type { ActionFunctionArgs } from "@remix-run/node";
import { onlyMethods, requireMethod } from "~/http/methods.server";
import prisma from "~/db.server";
import { readJson } from "~/shopify/admin-api.server";
import { authenticateAppProxy } from "~/edge/app-proxy.server";
import { leaderboardForCustomer } from "~/storefront/api.server";
import { inShopperLanguage } from "~/storefront/shopper-language.server";

export const loader = onlyMethods("POST");

/** POST /apps/tally/leaderboard { optIn, nickname? }: the signed-in shopper joins or leaves the leaderboard. */
export const action = inShopperLanguage(async ({ request }: ActionFunctionArgs) => {
  requireMethod(request, "POST");
  const { shop, customerId } = await authenticateAppProxy(request);
  if (!customerId) return Response.json({ error: "not_logged_in" }, { status: 401 });
  return leaderboardForCustomer(prisma, shop, customerId, await readJson(request));
});
