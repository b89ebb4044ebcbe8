import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticateExtension, withCors } from "~/edge/extension-auth.server";
import { onlyMethods } from "~/http/methods.server";
import { pendingSurveys, surveyForCallersOrder } from "~/loyalty/surveys/surveys.server";
import { orderIdFrom } from "~/storefront/order-points.server";
import { inShopperLanguage, shopperLanguage } from "~/storefront/shopper-language.server";

const PRIVATE = { "Cache-Control": "private, no-store" };

/**
 * GET /api/extension/surveys?orderId=… — the survey that asks about the caller's order (thank-you
 * and order status pages): 202 until `orders/paid` is recorded, 404 for anyone else's order.
 * GET /api/extension/surveys — a logged-in customer's recent orders a survey still asks about.
 */
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerId } = await authenticateExtension(request);
  const language = shopperLanguage(request);
  const requested = new URL(request.url).searchParams.get("orderId");
  if (requested === null) {
    if (!customerId) return withCors(Response.json({ error: "not_logged_in" }, { status: 401 }));
    const pending = await pendingSurveys(prisma, shop, customerId, language, new Date());
    return withCors(Response.json({ pending }, { headers: PRIVATE }));
  }
  const orderId = orderIdFrom(requested);
  if (!orderId) return withCors(Response.json({ error: "invalid_request" }, { status: 422 }));
  const answer = await surveyForCallersOrder(prisma, shop, customerId, orderId, language);
  if (answer.status === "not_found")
    return withCors(Response.json({ error: "order_not_found" }, { status: 404, headers: PRIVATE }));
  if (answer.status === "processing")
    return withCors(Response.json({ status: "processing" }, { status: 202, headers: PRIVATE }));
  return withCors(Response.json({ orderId, survey: answer.survey, answer: answer.answer }, { headers: PRIVATE }));
});

/** Read-only (OPTIONS is the preflight): other methods get 405. */
export const action = onlyMethods("GET", "OPTIONS");
