import { requireMethod } from "~/http/methods.server";
import { authenticate } from "~/shopify.server";
import { signedByShopify } from "~/shopify/hmac.server";

/**
 * Authenticates a request from Shopify Flow (a trigger lifecycle callback, an action run) with
 * Shopify's library and returns its parsed body. No or bad signature → 401, whatever shop the
 * body names (so a forger learns nothing of which shops use Tally); a signed request for a shop
 * with no offline session → 404 with a message Flow shows the merchant.
 */
export async function authenticateFlowRequest(request: Request): Promise<{ payload: unknown }> {
  requireMethod(request, "POST");
  const signature = request.headers.get("x-shopify-hmac-sha256");
  // Checked here first: Shopify's library answers 400 both for a bad signature and for a shop with no session.
  if (!signature || !signedByShopify(await request.clone().text(), signature)) {
    throw Response.json({ error: "invalid_signature" }, { status: 401 });
  }
  try {
    const { payload } = await authenticate.flow(request);
    return { payload: payload as unknown };
  } catch (error) {
    if (!(error instanceof Response) || error.status !== 400) throw error;
    throw shopNotInstalled();
  }
}

/** The answer for a shop without Tally: Flow shows a 4xx body to the merchant and does not resend. */
export const shopNotInstalled = () =>
  Response.json({ error: "shop_not_installed", message: "Tally is not installed on this shop." }, { status: 404 });
