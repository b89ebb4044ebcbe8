import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { methodNotAllowed } from "~/http/methods.server";
import { readJson } from "~/shopify/admin-api.server";
import { authenticateExtension, withCors } from "~/shopify/extension-auth.server";
import { redeemForCustomer } from "~/storefront/api.server";

// Remix sends OPTIONS to the loader: the preflight is answered by authenticateExtension.
export async function loader({ request }: LoaderFunctionArgs) {
  if (request.method === "OPTIONS") await authenticateExtension(request);
  return withCors(methodNotAllowed(["POST", "OPTIONS"]));
}

/** POST /api/extension/redemptions { rewardId, points? }: the customer is the token's `sub`. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return withCors(methodNotAllowed(["POST", "OPTIONS"]));
  const { shop, customerId } = await authenticateExtension(request);
  if (!customerId) return withCors(Response.json({ error: "not_logged_in" }, { status: 401 }));
  const body = await readJson(request).catch((error: Response) => {
    throw withCors(error);
  });
  return withCors(await redeemForCustomer(prisma, shop, customerId, body, request.headers.get("idempotency-key")));
}
