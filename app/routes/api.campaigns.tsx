import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { requireMethod } from "~/http/methods.server";
import { campaignInputSchema } from "~/loyalty/campaigns/campaigns";
import { createCampaign, listCampaigns } from "~/loyalty/campaigns/campaigns.server";
import { loadShop } from "~/loyalty/program/program.server";
import { invalidBody } from "~/http/invalid-body";
import { authenticateAdminApi, readJson } from "~/shopify/admin-api.server";

/** GET /api/campaigns → { campaigns } (newest first, docs/campaigns.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await authenticateAdminApi(request);
  return Response.json({ campaigns: await listCampaigns(prisma, shop.id) });
}

/** POST /api/campaigns { name, audience, points | rewardId, message, sendAt? } → 202 { id } | 400 | 422 { issues } */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "GET", "POST");
  const { shop, staffId } = await authenticateAdminApi(request);
  const body = campaignInputSchema.safeParse(await readJson(request));
  if (!body.success) return invalidBody("invalid_campaign", body.error.issues);
  const created = await createCampaign(prisma, await loadShop(prisma, shop.id), body.data, staffId);
  if (!created.ok) return invalidBody("invalid_campaign", created.issues);
  return Response.json({ id: created.campaign.id, campaign: created.campaign }, { status: 202 });
}
