import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import prisma from "~/db.server";
import { authenticateExtension, withCors } from "~/edge/extension-auth.server";
import { methodNotAllowed } from "~/http/methods.server";
import { spendRateLimit } from "~/http/rate-limits.server";
import { answerSurvey } from "~/loyalty/surveys/surveys.server";
import { readJson } from "~/shopify/admin-api.server";
import { orderIdFrom } from "~/storefront/order-points.server";
import { inShopperLanguage, shopperLanguage } from "~/storefront/shopper-language.server";

// Remix sends OPTIONS to the loader: the preflight is answered by authenticateExtension.
export const loader = inShopperLanguage(async ({ request }: LoaderFunctionArgs) => {
  if (request.method === "OPTIONS") await authenticateExtension(request);
  return withCors(methodNotAllowed(["POST", "OPTIONS"]));
});

const body = z.object({ orderId: z.string().max(64), answers: z.unknown() }).strict();

/**
 * POST /api/extension/surveys/{surveyId}/answers { orderId, answers } — the caller's answer about
 * their own order (a guest's about a guest order): 201 the first time, 200 with the same answer
 * after; 404 for anyone else's order; 422 for invalid answers (nothing written); 409 when the
 * survey does not ask about this order.
 */
export const action = inShopperLanguage(async ({ request, params }: ActionFunctionArgs) => {
  // Every answer carries CORS, refusals included, so the extension can read them.
  return withCors(await answer(request, params.surveyId ?? "").catch(returnRefusal));
});

async function answer(request: Request, surveyId: string): Promise<Response> {
  if (request.method !== "POST") return methodNotAllowed(["POST", "OPTIONS"]);
  const { shop, customerId } = await authenticateExtension(request);
  const parsed = body.safeParse(await readJson(request));
  const orderId = parsed.success ? orderIdFrom(parsed.data.orderId) : null;
  if (!parsed.success || !orderId) return Response.json({ error: "invalid_request" }, { status: 422 });
  await spendRateLimit("surveyAnswer", `${shop.id}:${customerId ?? `guest:${orderId}`}`);
  const result = await answerSurvey(prisma, shop, {
    surveyId,
    shopifyOrderId: orderId,
    customerId,
    body: parsed.data.answers,
    language: shopperLanguage(request),
    now: new Date(),
  });
  switch (result.status) {
    case "created":
      return Response.json({ answer: result.answer }, { status: 201 });
    case "existing":
      return Response.json({ answer: result.answer }, { status: 200 });
    case "processing":
      return Response.json({ status: "processing" }, { status: 202 });
    case "not_found":
      return Response.json({ error: "order_not_found" }, { status: 404 });
    case "survey_closed":
      return Response.json({ error: "survey_closed" }, { status: 409 });
    case "invalid":
      return Response.json({ error: "invalid_answers", issues: result.issues }, { status: 422 });
  }
}

function returnRefusal(error: unknown): Response {
  if (error instanceof Response) return error;
  throw error;
}
