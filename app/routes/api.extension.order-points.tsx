import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticateExtension, withCors } from "~/edge/extension-auth.server";
import { orderIdFrom, orderPoints } from "~/storefront/order-points.server";
import { onlyMethods } from "~/http/methods.server";
import { inShopperLanguage } from "~/storefront/shopper-language.server";

const PRIVATE = { "Cache-Control": "private, no-store" };

/**
 * GET /api/extension/order-points?orderId=gid://shopify/Order/… — what the order the shopper just
 * placed earned them (thank-you page). The customer is the token's `sub`; only their own order
 * answers. 202 while `orders/paid` has not been recorded yet (ask again shortly).
 */
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerId } = await authenticateExtension(request);
  if (!customerId) return withCors(Response.json({ error: "not_logged_in" }, { status: 401 }));
  const orderId = orderIdFrom(new URL(request.url).searchParams.get("orderId"));
  if (!orderId) return withCors(Response.json({ error: "invalid_request" }, { status: 422 }));
  const answer = await orderPoints(prisma, shop.id, customerId, orderId);
  if (answer.status === "not_found")
    return withCors(Response.json({ error: "order_not_found" }, { status: 404, headers: PRIVATE }));
  return withCors(
    Response.json({ orderId, ...answer }, { status: answer.status === "processing" ? 202 : 200, headers: PRIVATE }),
  );
});

/** Read-only (OPTIONS is the preflight): other methods get 405. */
export const action = onlyMethods("GET", "OPTIONS");
