import prisma from "~/db.server";
import { defaultProgram, type ProgramIssue } from "~/loyalty/program/program";
import { loadProgramState, type LoadedShop } from "~/loyalty/program/program.server";
import { authenticate } from "~/shopify.server";
import { AdminGateway } from "~/shopify/admin-gateway.server";
import { refuseMismatchedAdminToken } from "~/shopify/session-token.server";
import { fetchShopDetails } from "~/shopify/shop-details.server";
import { listSegments } from "~/shopify/segments.server";
import { ensureShop } from "~/shopify/shops.server";

/** Every admin page's loader and action: the session (or a redirect to Shopify's auth), the shop. */
export async function adminContext(request: Request) {
  refuseMismatchedAdminToken(request);
  const { session, sessionToken } = await authenticate.admin(request);
  const shop = await ensureShop(prisma, session.shop, session.scope);
  return { session, shop, staffId: sessionToken?.sub ? String(sessionToken.sub) : null };
}

/**
 * The program the admin edits: the one that runs, or the default when no revision validates, so
 * the merchant can always open the pages and save a valid one (the layout's banner says why).
 */
export async function adminProgram(request: Request) {
  const context = await adminContext(request);
  const loaded = await adminLoadedShop(context.shop);
  return { ...context, program: loaded.program, revision: loaded.programRevision };
}

export async function adminLoadedShop(shop: { id: string; domain: string }): Promise<LoadedShop> {
  const { state, revision } = await loadProgramState(prisma, shop.id);
  return {
    id: shop.id,
    domain: shop.domain,
    program: state.status === "none" ? defaultProgram() : state.program,
    programRevision: revision,
  };
}

export type ProgramTrouble = {
  status: "last_valid" | "none";
  problems: ProgramIssue[];
  runningRevision: number | null;
};

/** What the admin's banner shows when the saved program no longer validates (null when it does). */
export async function programTrouble(shopDomain: string): Promise<ProgramTrouble | null> {
  // Read, not ensured: the page's own loader creates the shop on first use, at the same time.
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return null;
  const { state } = await loadProgramState(prisma, shop.id);
  if (state.status === "saved") return null;
  return {
    status: state.status,
    problems: state.problems,
    runningRevision: state.status === "last_valid" ? state.runningRevision : null,
  };
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

/**
 * The shop's customer segments, for a page that limits something to one (bonus events, campaigns);
 * an empty list when Shopify does not answer: the page still opens.
 */
export async function shopSegments(session: { shop: string; accessToken?: string }) {
  try {
    return await listSegments(new AdminGateway(session.shop, session.accessToken ?? ""));
  } catch (error) {
    console.error("Could not read customer segments", error);
    return [];
  }
}
