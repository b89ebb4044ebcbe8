import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticateExtension, withCors } from "~/edge/extension-auth.server";
import { memberActivity } from "~/storefront/api.server";
import { onlyMethods } from "~/http/methods.server";
import { inShopperLanguage, shopperLanguage } from "~/storefront/shopper-language.server";

/** GET /api/extension/member/activity[?cursor=…]: the token's customer's points history, newest first. */
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerId } = await authenticateExtension(request);
  if (!customerId) return withCors(Response.json({ error: "not_logged_in" }, { status: 401 }));
  const cursor = new URL(request.url).searchParams.get("cursor");
  return withCors(
    Response.json(await memberActivity(prisma, shop, customerId, cursor, shopperLanguage(request)), {
      headers: { "Cache-Control": "private, no-store" },
    }),
  );
});

/** Read-only (OPTIONS is the preflight): other methods get 405. */
export const action = onlyMethods("GET", "OPTIONS");
