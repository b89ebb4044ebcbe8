import { z } from "zod";
import prisma from "~/db.server";
import { authenticateFlowRequest, shopNotInstalled } from "./flow-auth.server";
import { findInstalledShop } from "~/loyalty/program/shops.server";

const lifecycleCallback = z.object({
  flow_trigger_definition_id: z.string().min(1),
  has_enabled_flow: z.boolean(),
  shop_id: z.union([z.number(), z.string()]),
  shopify_domain: z.string().min(1),
  timestamp: z.string().refine((value) => !Number.isNaN(Date.parse(value)), "an ISO 8601 timestamp"),
});

/**
 * Authenticates a Flow trigger lifecycle callback and parses it: no or bad signature → 401,
 * whatever shop the body names (so a forger learns nothing of which shops use Tally); a signed
 * callback for a shop without Tally → 404; a body that is not a lifecycle callback → 400.
 */
export async function receiveFlowLifecycle(request: Request) {
  const { payload } = await authenticateFlowRequest(request);
  const parsed = lifecycleCallback.safeParse(payload);
  if (!parsed.success) {
    throw Response.json(
      {
        error: "invalid_payload",
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
      },
      { status: 400 },
    );
  }
  const shop = await findInstalledShop(prisma, parsed.data.shopify_domain);
  if (!shop) throw shopNotInstalled();
  return {
    shop,
    callback: {
      definitionId: parsed.data.flow_trigger_definition_id,
      enabled: parsed.data.has_enabled_flow,
      at: new Date(parsed.data.timestamp),
    },
  };
}
