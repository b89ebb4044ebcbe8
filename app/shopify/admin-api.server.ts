import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { refuseMismatchedAdminToken } from "./session-token.server";
import { ensureShop } from "./shops.server";

/**
 * The edge of the app's own admin API (`/api/...`): the session token App Bridge's fetch sends
 * as `Authorization: Bearer`. Shopify's library answers a missing or invalid token with 401.
 */
export async function authenticateAdminApi(request: Request) {
  // Without a token Shopify's library would redirect to the login page: an API answers 401.
  if (!request.headers.get("authorization")?.startsWith("Bearer ")) {
    throw Response.json({ error: "missing_session_token" }, { status: 401 });
  }
  refuseMismatchedAdminToken(request);
  const { session, sessionToken } = await authenticate.admin(request);
  const shop = await ensureShop(prisma, session.shop, session.scope);
  return { shop, staffId: sessionToken?.sub ? String(sessionToken.sub) : null };
}

/** The JSON body of a request, or a 400 that says why not. */
export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw Response.json({ error: "invalid_json" }, { status: 400 });
  }
}
