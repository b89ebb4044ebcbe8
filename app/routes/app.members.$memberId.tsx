import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { adminContext } from "~/admin/common/admin-context.server";
import type { AdjustmentOutcome } from "~/admin/members/adjustment-form";
import { MemberPage } from "~/admin/members/member-page";
import prisma from "~/db.server";
import { adjustmentFromForm, adjustmentRequest } from "~/loyalty/members/adjustments";
import { applyAdjustment, customerOfMember } from "~/loyalty/members/adjustments.server";
import { memberDetail } from "~/loyalty/members/list.server";
import { requireMethod } from "~/http/methods.server";
import { invalidBody } from "~/http/invalid-body";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  const detail = await memberDetail(prisma, shop.id, params.memberId ?? "");
  if (!detail) throw new Response("Not Found", { status: 404 });
  return detail;
}

/** A manual adjustment, once per form (its idempotency key), with the staff member from the session token. */
export async function action({ request, params }: ActionFunctionArgs) {
  requireMethod(request, "GET", "POST");
  const { shop, staffId } = await adminContext(request);
  const customerId = await customerOfMember(prisma, shop.id, params.memberId ?? "");
  if (customerId === undefined) throw new Response("Not Found", { status: 404 });
  if (customerId === null)
    return Response.json({ error: "not_a_customer" } satisfies AdjustmentOutcome, { status: 409 });
  // The same schema, fields and 422 as POST /api/members/:customerId/adjustments.
  const body = adjustmentRequest.safeParse(adjustmentFromForm(await request.formData()));
  if (!body.success) return invalidBody("invalid_adjustment", body.error.issues);
  const result = await applyAdjustment(prisma, shop.id, { ...body.data, customerId, staffId, now: new Date() });
  // The form draws a new key per submission: a reused one is a double submission of another form.
  if (result.status === "idempotency_key_reused")
    return Response.json({ error: "idempotency_key_reused" } satisfies AdjustmentOutcome, { status: 422 });
  if (result.status === "insufficient_points")
    return Response.json({ error: "insufficient_points" } satisfies AdjustmentOutcome, { status: 409 });
  return Response.json({ ok: true, balance: result.balance } satisfies AdjustmentOutcome);
}

export default function MemberRoute() {
  return <MemberPage {...useLoaderData<typeof loader>()} />;
}
