import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { loadShop } from "~/loyalty/program.server";
import { recordReferralVisit } from "~/loyalty/referrals.server";
import { authenticateAppProxy } from "~/shopify/app-proxy.server";

/**
 * GET /apps/tally/r/<code>: a friend follows a member's referral link. The visit is recorded and
 * the friend lands on the store's home page with `tally_ref` in the address, which the theme
 * extension keeps (cookie and cart attribute) for attribution at checkout. Shopify's App Proxy
 * drops cookies set by the app, so the code travels in the URL. An unknown code still lands on
 * the store, without it.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await authenticateAppProxy(request);
  const { program } = await loadShop(prisma, shop.id);
  const visitor = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || null;
  const code = await recordReferralVisit(
    prisma,
    { id: shop.id, referralsEnabled: program.enabled && program.referrals.enabled },
    params.code ?? "",
    visitor,
  );
  const location = code ? `/?${new URLSearchParams({ tally_ref: code })}` : "/";
  return new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "private, no-store" } });
}
