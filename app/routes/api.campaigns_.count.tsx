import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { onlyMethods, requireMethod } from "~/http/methods.server";
import { countBodySchema } from "~/loyalty/campaigns/campaigns";
import { countAudience } from "~/loyalty/campaigns/campaigns.server";
import { AdminGraphQLError, AdminUserError } from "~/shopify/errors";
import { invalidBody } from "~/http/invalid-body";
import { authenticateAdminApi, readJson } from "~/shopify/admin-api.server";

export const loader = onlyMethods("POST");

/** POST /api/campaigns/count { audience } → { count, complete }: how many members a campaign would reach now. */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "POST");
  const { shop } = await authenticateAdminApi(request);
  const body = countBodySchema.safeParse(await readJson(request));
  if (!body.success) return invalidBody("invalid_audience", body.error.issues);
  try {
    return Response.json(await countAudience(prisma, shop, body.data.audience));
  } catch (error) {
    // Shopify refused to list the segment (gone, or not the shop's): the merchant picks another.
    if (error instanceof AdminGraphQLError || error instanceof AdminUserError)
      return Response.json({ error: "segment_unreadable" }, { status: 422 });
    throw error;
  }
}
