import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticateExtension, withCors } from "~/edge/extension-auth.server";
import { idempotencyKeyHeader } from "~/http/idempotency-key";
import { methodNotAllowed } from "~/http/methods.server";
import { readJson } from "~/shopify/admin-api.server";
import { donateForCustomer } from "~/storefront/api.server";
import { inShopperLanguage } from "~/storefront/shopper-language.server";

// Remix sends OPTIONS to the loader: the preflight is answered by authenticateExtension.
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  if (request.method === "OPTIONS") await authenticateExtension(request);
  return withCors(methodNotAllowed(["POST", "OPTIONS"]));
});

/** POST /api/extension/donations { causeId, points }: the customer is the token's `sub`. */
export const action = inShopperLanguage(async ({ request }: ActionFunctionArgs) => {
  // Every answer carries CORS, refusals included, so the extension can read them.
  return withCors(await donate(request).catch(returnRefusal));
});

async function donate(request: Request): Promise<Response> {
  if (request.method !== "POST") return methodNotAllowed(["POST", "OPTIONS"]);
  const { shop, customerId } = await authenticateExtension(request);
  if (!customerId) return Response.json({ error: "not_logged_in" }, { status: 401 });
  return donateForCustomer(prisma, shop, customerId, await readJson(request), idempotencyKeyHeader(request));
}

function returnRefusal(error: unknown): Response {
  if (error instanceof Response) return error;
  throw error;
}
