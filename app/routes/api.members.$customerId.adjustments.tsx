import type { ActionFunctionArgs } from "@remix-run/node";
import { onlyMethods, requireMethod } from "~/http/methods.server";
import prisma from "~/db.server";
import { adjustmentRequest } from "~/loyalty/members/adjustments";
import { applyAdjustment } from "~/loyalty/members/adjustments.server";
import { invalidBody } from "~/http/invalid-body";
import { authenticateAdminApi, readJson } from "~/shopify/admin-api.server";

export const loader = onlyMethods("POST");

/** POST /api/members/:customerId/adjustments { points, reason, idempotencyKey } */
export async function action({ request, params }: ActionFunctionArgs) {
  requireMethod(request, "POST");
  const { shop, staffId } = await authenticateAdminApi(request);
  const customerId = params.customerId ?? "";
  if (!/^\d{1,20}$/.test(customerId)) return Response.json({ error: "invalid_customer_id" }, { status: 400 });
  const body = adjustmentRequest.safeParse(await readJson(request));
  if (!body.success) return invalidBody("invalid_adjustment", body.error.issues);
  const result = await applyAdjustment(prisma, shop.id, { ...body.data, customerId, staffId, now: new Date() });
  if (result.status === "idempotency_key_reused")
    return Response.json({ error: "idempotency_key_reused" }, { status: 422 });
  const status = result.status === "applied" ? 201 : result.status === "duplicate" ? 200 : 409;
  return Response.json(result, { status });
}
