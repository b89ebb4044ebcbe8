import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticateAppProxy } from "~/edge/app-proxy.server";
import { memberView } from "~/storefront/api.server";
import { onlyMethods } from "~/http/methods.server";
import { inShopperLanguage, shopperLanguage } from "~/storefront/shopper-language.server";

/** GET /apps/tally/member: the signed-in shopper's points, rewards and codes; the program for a guest. */
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerId } = await authenticateAppProxy(request);
  return Response.json(await memberView(prisma, shop, customerId, shopperLanguage(request)), {
    headers: { "Cache-Control": "private, no-store" },
  });
});

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
