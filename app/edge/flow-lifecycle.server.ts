import { createHmac, timingSafeEqual } from "node:crypto";
import { serverEnvironment } from "~/config/env.server";
import { z } from "zod";
import prisma from "~/db.server";
import { requireMethod } from "~/http/methods.server";
import { authenticate } from "~/shopify.server";
import { findInstalledShop } from "~/loyalty/program/shops.server";

const lifecycleCallback = z.object({
  flow_trigger_definition_id: z.string().min(1),
  has_enabled_flow: z.boolean(),
  shop_id: z.union([z.number(), z.string()]),
  shopify_domain: z.string().min(1),
  timestamp: z.string().refine((value) => !Number.isNaN(Date.parse(value)), "an ISO 8601 timestamp"),
});

/** Shopify signs a Flow callback's body as it signs webhooks: base64 HMAC-SHA256 with the app's secret. */
function signedByShopify(rawBody: string, signature: string): boolean {
  const expected = createHmac("sha256", serverEnvironment().SHOPIFY_API_SECRET).update(rawBody, "utf8").digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Authenticates a Flow trigger lifecycle callback and parses it: no or bad signature → 401,
 * whatever shop the body names (so a forger learns nothing of which shops use Tally); a signed
 * callback for a shop without Tally → 404; a body that is not a lifecycle callback → 400.
 */
export async function receiveFlowLifecycle(request: Request) {
  requireMethod(request, "POST");
  const signature = request.headers.get("x-shopify-hmac-sha256");
  // Checked here first: Shopify's library answers 400 both for a bad signature and for a shop with no session.
  if (!signature || !signedByShopify(await request.clone().text(), signature)) {
    throw Response.json({ error: "invalid_signature" }, { status: 401 });
  }
  let payload: unknown;
  try {
    ({ payload } = await authenticate.flow(request));
  } catch (error) {
    if (!(error instanceof Response) || error.status !== 400) throw error;
    throw Response.json({ error: "shop_not_installed" }, { status: 404 });
  }
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
  if (!shop) throw Response.json({ error: "shop_not_installed" }, { status: 404 });
  return {
    shop,
    callback: {
      definitionId: parsed.data.flow_trigger_definition_id,
      enabled: parsed.data.has_enabled_flow,
      at: new Date(parsed.data.timestamp),
    },
  };
}
