import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { onlyMethods, requireMethod } from "~/http/methods.server";
import { cancelCampaign } from "~/loyalty/campaigns/campaigns.server";
import { authenticateAdminApi } from "~/shopify/admin-api.server";

export const loader = onlyMethods("POST");

/** POST /api/campaigns/:id/cancel → { campaign } (cancelled unless it had finished) | 404. */
export async function action({ request, params }: ActionFunctionArgs) {
  requireMethod(request, "POST");
  const { shop } = await authenticateAdminApi(request);
  const campaign = await cancelCampaign(prisma, shop.id, params.id ?? "");
  if (!campaign) return Response.json({ error: "not_found" }, { status: 404 });
  return Response.json({ campaign });
}
