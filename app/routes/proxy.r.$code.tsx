import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { clientAddress } from "~/http/client-address.server";
import { spendRateLimit } from "~/http/rate-limits.server";
import { loadShop } from "~/loyalty/program/program.server";
import { recordReferralVisit } from "~/loyalty/referrals/referrals.server";
import { authenticateAppProxy } from "~/edge/app-proxy.server";
import { onlyMethods } from "~/http/methods.server";
import { inShopperLanguage } from "~/storefront/shopper-language.server";

/**
 * GET /apps/tally/r/<code>: a friend follows a member's referral link. The visit is recorded and
 * the friend lands on the store with `tally_ref` in the address, which the theme extension keeps
 * (cookie, cart attribute, sign-up note) for attribution. Once the friend's offer exists in
 * Shopify, the way there is Shopify's shareable discount link, which puts the code in the cart.
 * Shopify's App Proxy drops cookies set by the app, so the code travels in the URL. An unknown
 * code still lands on the store, without it.
 */
export const loader = inShopperLanguage(async ({ request, params, context }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAppProxy(request);
  const visitor = clientAddress(request, context);
  await spendRateLimit("referralVisit", `${shop.id}:${visitor ?? "unknown"}`);
  const visit = await recordReferralVisit(prisma, await loadShop(prisma, shop.id), params.code ?? "", visitor);
  const landing = visit ? `/?${new URLSearchParams({ tally_ref: visit.code })}` : "/";
  const location = visit?.offerLive ? `/discount/${visit.code}?${new URLSearchParams({ redirect: landing })}` : landing;
  return new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "private, no-store" } });
});

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
