import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { adminContext, adminLoadedShop, adminProgram, shopSegments } from "~/admin/common/admin-context.server";
import { CampaignsPage, type CampaignOutcome } from "~/admin/campaigns/campaigns-page";
import prisma from "~/db.server";
import { requireMethod } from "~/http/methods.server";
import { campaignInputSchema, countBodySchema } from "~/loyalty/campaigns/campaigns";
import { cancelCampaign, countAudience, createCampaign, listCampaigns } from "~/loyalty/campaigns/campaigns.server";
import { AdminGraphQLError, AdminUserError } from "~/shopify/errors";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, shop, program } = await adminProgram(request);
  // The merchant's own names, as they wrote them (the admin edits the base name).
  const [campaigns, segments] = await Promise.all([listCampaigns(prisma, shop.id), shopSegments(session)]);
  return {
    campaigns,
    segments,
    tiers: program.tiers.levels.map((level) => ({ id: level.id, name: level.name })),
    rewards: program.rewards
      .filter((reward) => reward.type !== "store_credit")
      .map((reward) => ({ id: reward.id, name: reward.name })),
    programEnabled: program.enabled,
  };
}

const cancelIntent = z.object({ intent: z.literal("cancel"), campaignId: z.string().min(1).max(100) });

/** Counts an audience, creates a campaign (JSON bodies, like /api/campaigns), or cancels one. */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "GET", "POST");
  const { shop, staffId } = await adminContext(request);
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ ok: false, error: "invalid" } satisfies CampaignOutcome, { status: 400 });
  }
  const intent = (body as { intent?: unknown } | null)?.intent;
  if (intent === "count") {
    const parsed = countBodySchema.safeParse({ audience: (body as { audience?: unknown }).audience });
    if (!parsed.success)
      return Response.json({ ok: false, error: "invalid" } satisfies CampaignOutcome, { status: 400 });
    try {
      const counted = await countAudience(prisma, shop, parsed.data.audience);
      return Response.json({ ok: true, done: "counted", ...counted } satisfies CampaignOutcome);
    } catch (error) {
      if (error instanceof AdminGraphQLError || error instanceof AdminUserError)
        return Response.json({ ok: false, error: "segment_unreadable" } satisfies CampaignOutcome, { status: 422 });
      throw error;
    }
  }
  if (intent === "create") {
    const { intent: _intent, ...input } = body as Record<string, unknown>;
    const parsed = campaignInputSchema.safeParse(input);
    if (!parsed.success)
      return Response.json({ ok: false, error: "invalid" } satisfies CampaignOutcome, { status: 400 });
    const created = await createCampaign(prisma, await adminLoadedShop(shop), parsed.data, staffId);
    if (!created.ok) return Response.json({ ok: false, error: "invalid" } satisfies CampaignOutcome, { status: 400 });
    return Response.json({ ok: true, done: "created" } satisfies CampaignOutcome);
  }
  const cancel = cancelIntent.safeParse(body);
  if (!cancel.success) return Response.json({ ok: false, error: "invalid" } satisfies CampaignOutcome, { status: 400 });
  if (!(await cancelCampaign(prisma, shop.id, cancel.data.campaignId)))
    return Response.json({ ok: false, error: "not_found" } satisfies CampaignOutcome, { status: 404 });
  return Response.json({ ok: true, done: "cancelled" } satisfies CampaignOutcome);
}

export default function CampaignsRoute() {
  return <CampaignsPage {...useLoaderData<typeof loader>()} />;
}
