import prisma from "~/db.server";
import { loadShop } from "~/loyalty/program.server";
import { authenticate } from "~/shopify.server";
import { AdminGateway } from "~/shopify/admin-gateway.server";
import { refuseMismatchedAdminToken } from "~/shopify/session-token.server";
import { fetchShopDetails } from "~/shopify/shop-details.server";
import { ensureShop } from "~/shopify/shops.server";

/** Every admin page's loader and action: the session (or a redirect to Shopify's auth), the shop. */
export async function adminContext(request: Request) {
  refuseMismatchedAdminToken(request);
  const { session, sessionToken } = await authenticate.admin(request);
  const shop = await ensureShop(prisma, session.shop, session.scope);
  return { session, shop, staffId: sessionToken?.sub ? String(sessionToken.sub) : null };
}

export async function adminProgram(request: Request) {
  const context = await adminContext(request);
  const loaded = await loadShop(prisma, context.shop.id);
  return { ...context, program: loaded.program, revision: loaded.programRevision };
}

/** The shop's currency as Shopify has it now; null when Shopify does not answer (amounts then show as plain numbers). */
export async function shopCurrencyCode(session: { shop: string; accessToken?: string }): Promise<string | null> {
  try {
    return (await fetchShopDetails(new AdminGateway(session.shop, session.accessToken ?? ""))).currencyCode;
  } catch (error) {
    console.error("Could not read shop details", error);
    return null;
  }
}
