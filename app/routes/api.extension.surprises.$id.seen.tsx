import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { methodNotAllowed } from "~/http/methods.server";
import { authenticateExtension, withCors } from "~/edge/extension-auth.server";
import { surpriseSeenForCustomer } from "~/storefront/api.server";
import { inShopperLanguage } from "~/storefront/shopper-language.server";

// Remix sends OPTIONS to the loader: the preflight is answered by authenticateExtension.
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  if (request.method === "OPTIONS") await authenticateExtension(request);
  return withCors(methodNotAllowed(["POST", "OPTIONS"]));
});

/** POST /api/extension/surprises/:id/seen: the customer (the token's `sub`) saw the campaign's surprise. */
export const action = inShopperLanguage(async ({ request, params }: ActionFunctionArgs) => {
  // Every answer carries CORS, refusals included, so the extension can read them.
  return withCors(await seen(request, params.id ?? "").catch(returnRefusal));
});

async function seen(request: Request, campaignId: string): Promise<Response> {
  if (request.method !== "POST") return methodNotAllowed(["POST", "OPTIONS"]);
  const { shop, customerId } = await authenticateExtension(request);
  if (!customerId) return Response.json({ error: "not_logged_in" }, { status: 401 });
  return surpriseSeenForCustomer(prisma, shop, customerId, campaignId);
}

function returnRefusal(error: unknown): Response {
  if (error instanceof Response) return error;
  throw error;
}
