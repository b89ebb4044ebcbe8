import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticateAppProxy } from "~/edge/app-proxy.server";
import { memberActivity } from "~/storefront/api.server";
import { onlyMethods } from "~/http/methods.server";
import { inShopperLanguage, shopperLanguage } from "~/storefront/shopper-language.server";

/** GET /apps/tally/member/activity[?cursor=…]: the shopper's points history, newest first. */
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerId } = await authenticateAppProxy(request);
  if (!customerId) return Response.json({ error: "not_logged_in" }, { status: 401 });
  const cursor = new URL(request.url).searchParams.get("cursor");
  return Response.json(await memberActivity(prisma, shop, customerId, cursor, shopperLanguage(request)), {
    headers: { "Cache-Control": "private, no-store" },
  });
});

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
