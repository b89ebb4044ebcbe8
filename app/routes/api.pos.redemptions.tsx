import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { withCors } from "~/edge/extension-auth.server";
import { authenticatePos } from "~/edge/pos-auth.server";
import { idempotencyKeyHeader } from "~/http/idempotency-key";
import { methodNotAllowed } from "~/http/methods.server";
import { readJson } from "~/shopify/admin-api.server";
import { redeemAtPos } from "~/storefront/pos-api.server";
import { inShopperLanguage } from "~/storefront/shopper-language.server";

// Remix sends OPTIONS to the loader: the preflight is answered by authenticatePos.
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  if (request.method === "OPTIONS") await authenticatePos(request);
  return withCors(methodNotAllowed(["POST", "OPTIONS"]));
});

/** POST /api/pos/redemptions { customerId, rewardId, points?, staffMemberId?, locationId? } (Idempotency-Key). */
export const action = inShopperLanguage(async ({ request }: ActionFunctionArgs) => {
  // Every answer carries CORS, refusals included, so the extension can read them.
  return withCors(await redeem(request).catch(returnRefusal));
});

async function redeem(request: Request): Promise<Response> {
  if (request.method !== "POST") return methodNotAllowed(["POST", "OPTIONS"]);
  const { shop, userId } = await authenticatePos(request);
  const key = idempotencyKeyHeader(request);
  return redeemAtPos(prisma, shop, userId, await readJson(request), key);
}

function returnRefusal(error: unknown): Response {
  if (error instanceof Response) return error;
  throw error;
}
