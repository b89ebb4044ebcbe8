import { z } from "zod";
import prisma from "~/db.server";
import { requireMethod } from "~/http/methods.server";
import { authenticate } from "~/shopify.server";
import { findInstalledShop } from "./shops.server";

const lifecycleCallback = z.object({
  flow_trigger_definition_id: z.string().min(1),
  has_enabled_flow: z.boolean(),
  shop_id: z.union([z.number(), z.string()]),
  shopify_domain: z.string().min(1),
  timestamp: z.string().refine((value) => !Number.isNaN(Date.parse(value)), "an ISO 8601 timestamp"),
});

/**
 * Authenticates a Flow trigger lifecycle callback (HMAC of the body with the app's secret, as
 * Shopify's library checks it) and parses it: no or bad signature → 401, a shop without Tally → 404,
 * a body that is not a lifecycle callback → 400.
 */
export async function receiveFlowLifecycle(request: Request) {
  requireMethod(request, "POST");
  if (!request.headers.get("x-shopify-hmac-sha256")) {
    throw Response.json({ error: "missing X-Shopify-Hmac-Sha256" }, { status: 401 });
  }
  const rawBody = await request.clone().text();
  let payload: unknown;
  try {
    ({ payload } = await authenticate.flow(request));
  } catch (error) {
    if (!(error instanceof Response) || error.status !== 400) throw error;
    // Shopify's library answers 400 both for a bad signature and for a shop with no session.
    const claimed = lifecycleCallback.safeParse(safeJson(rawBody));
    const installed = claimed.success && (await findInstalledShop(prisma, claimed.data.shopify_domain));
    throw installed
      ? Response.json({ error: "invalid_signature" }, { status: 401 })
      : Response.json({ error: "shop_not_installed" }, { status: 404 });
  }
  const parsed = lifecycleCallback.safeParse(payload);
  if (!parsed.success) {
    throw Response.json(
      { error: "invalid_payload", issues: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })) },
      { status: 400 },
    );
  }
  const shop = await findInstalledShop(prisma, parsed.data.shopify_domain);
  if (!shop) throw Response.json({ error: "shop_not_installed" }, { status: 404 });
  return {
    shop,
    callback: { definitionId: parsed.data.flow_trigger_definition_id, enabled: parsed.data.has_enabled_flow, at: new Date(parsed.data.timestamp) },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
