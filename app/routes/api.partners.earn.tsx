import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { onlyMethods, requireMethod } from "~/http/methods.server";
import { spendRateLimit } from "~/http/rate-limits.server";
import { authenticatePartner, earnPartnerPoints, type EarnResult } from "~/loyalty/partners/earn.server";
import { earnRequestSchema } from "~/loyalty/partners/partners";
import { AdminGateway } from "~/shopify/admin-gateway.server";
import { readJson } from "~/shopify/admin-api.server";
import { AdminApiError, ShopNotInstalledError } from "~/shopify/errors";

const STATUS: Record<EarnResult["status"], number> = {
  awarded: 201,
  pending: 202,
  duplicate: 200,
  idempotency_key_reused: 409,
  daily_cap_reached: 409,
  program_disabled: 409,
  unknown_customer: 404,
  refused: 422,
};

export const loader = onlyMethods("POST");

/** POST /api/partners/earn: a partner business awards the shop's points (docs/partners.md). */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "POST");
  const partner = await authenticatePartner(prisma, request.headers.get("authorization"));
  if (!partner) {
    return Response.json(
      { error: "invalid_key", message: "The API key is missing, unknown or revoked." },
      { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="tally-partners"' } },
    );
  }
  await spendRateLimit("partnerEarn", partner.id);
  const body = earnRequestSchema.safeParse(await readJson(request));
  if (!body.success) {
    const issues = body.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    }));
    return Response.json({ error: "invalid_body", issues }, { status: 400 });
  }
  try {
    const result = await earnPartnerPoints(prisma, partner, body.data, {
      now: new Date(),
      admin: () => AdminGateway.forShop(prisma, partner.shopDomain),
    });
    return Response.json(result, { status: STATUS[result.status] });
  } catch (error) {
    if (!(error instanceof AdminApiError || error instanceof ShopNotInstalledError)) throw error;
    console.error("Partner earning could not reach Shopify", error);
    return Response.json(
      { error: "shopify_unavailable", message: "Shopify could not be reached; retry later with the same externalId." },
      { status: 503, headers: { "Retry-After": "30" } },
    );
  }
}
