import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { withCors } from "~/edge/extension-auth.server";
import { authenticatePos } from "~/edge/pos-auth.server";
import { methodNotAllowed } from "~/http/methods.server";
import { reverseAtPos } from "~/storefront/pos-api.server";
import { inShopperLanguage } from "~/storefront/shopper-language.server";

// Remix sends OPTIONS to the loader: the preflight is answered by authenticatePos.
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  if (request.method === "OPTIONS") await authenticatePos(request);
  return withCors(methodNotAllowed(["POST", "OPTIONS"]));
});

/** POST /api/pos/redemptions/:id/reverse — staff undo a POS redemption of the last 30 minutes (docs/pos.md). */
export const action = inShopperLanguage(async ({ request, params }: ActionFunctionArgs) => {
  return withCors(await reverse(request, params.id ?? "").catch(returnRefusal));
});

async function reverse(request: Request, redemptionId: string): Promise<Response> {
  if (request.method !== "POST") return methodNotAllowed(["POST", "OPTIONS"]);
  const { shop } = await authenticatePos(request);
  if (!/^[\w-]{1,100}$/.test(redemptionId)) return Response.json({ error: "not_found" }, { status: 404 });
  return reverseAtPos(prisma, shop, redemptionId);
}

function returnRefusal(error: unknown): Response {
  if (error instanceof Response) return error;
  throw error;
}
