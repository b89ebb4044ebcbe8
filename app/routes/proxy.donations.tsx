import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticateAppProxy } from "~/edge/app-proxy.server";
import { idempotencyKeyHeader } from "~/http/idempotency-key";
import { onlyMethods, requireMethod } from "~/http/methods.server";
import { readJson } from "~/shopify/admin-api.server";
import { donateForCustomer } from "~/storefront/api.server";
import { inShopperLanguage } from "~/storefront/shopper-language.server";

export const loader = onlyMethods("POST");

/** POST /apps/tally/donations { causeId, points } (Idempotency-Key header optional): points given to a cause. */
export const action = inShopperLanguage(async ({ request }: ActionFunctionArgs) => {
  requireMethod(request, "POST");
  const { shop, customerId } = await authenticateAppProxy(request);
  if (!customerId) return Response.json({ error: "not_logged_in" }, { status: 401 });
  return donateForCustomer(prisma, shop, customerId, await readJson(request), idempotencyKeyHeader(request));
});
