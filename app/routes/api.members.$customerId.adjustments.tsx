import type { ActionFunctionArgs } from "@remix-run/node";
import { onlyMethods, requireMethod } from "~/http/methods.server";
import { z } from "zod";
import prisma from "~/db.server";
import { idempotencyKey } from "~/http/idempotency-key";
import { inTransaction } from "~/db/transaction.server";
import { adjustPoints } from "~/loyalty/members/adjustments.server";
import { loadShop } from "~/loyalty/program/program.server";
import { authenticateAdminApi, invalidBody, readJson } from "~/shopify/admin-api.server";

const adjustmentBody = z.object({
  points: z
    .number()
    .int()
    .refine((points) => points !== 0, "must not be 0")
    .refine((p) => Math.abs(p) <= 10_000_000, "too large"),
  reason: z.string().trim().min(3).max(500),
  /** Sent again with a retry of the same adjustment, so it is applied once. */
  idempotencyKey,
});

export const loader = onlyMethods("POST");

/** POST /api/members/:customerId/adjustments { points, reason, idempotencyKey } */
export async function action({ request, params }: ActionFunctionArgs) {
  requireMethod(request, "POST");
  const { shop, staffId } = await authenticateAdminApi(request);
  const customerId = params.customerId ?? "";
  if (!/^\d{1,20}$/.test(customerId)) return Response.json({ error: "invalid_customer_id" }, { status: 400 });
  const body = adjustmentBody.safeParse(await readJson(request));
  if (!body.success) return invalidBody("invalid_adjustment", body.error.issues);
  const loaded = await loadShop(prisma, shop.id);
  const result = await inTransaction(prisma, (tx) =>
    adjustPoints(tx, loaded, {
      customerId,
      points: body.data.points,
      reason: body.data.reason,
      staffId,
      requestKey: body.data.idempotencyKey,
      now: new Date(),
    }),
  );
  if (result.status === "idempotency_key_reused")
    return Response.json({ error: "idempotency_key_reused" }, { status: 422 });
  const status = result.status === "applied" ? 201 : result.status === "duplicate" ? 200 : 409;
  return Response.json(result, { status });
}
