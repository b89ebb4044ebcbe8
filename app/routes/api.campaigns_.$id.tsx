import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { onlyMethods } from "~/http/methods.server";
import { getCampaign } from "~/loyalty/campaigns/campaigns.server";
import { authenticateAdminApi } from "~/shopify/admin-api.server";

export const action = onlyMethods("GET");

/** GET /api/campaigns/:id → { campaign } with its status and progress | 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await authenticateAdminApi(request);
  const campaign = await getCampaign(prisma, shop.id, params.id ?? "");
  if (!campaign) return Response.json({ error: "not_found" }, { status: 404 });
  return Response.json({ campaign });
}
