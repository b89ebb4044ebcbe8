import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { adminContext, adminProgram, shopCurrencyCode } from "~/admin/common/admin-context.server";
import { saveProgramFromPage } from "~/admin/common/program-save.server";
import type { ReviewOutcome } from "~/admin/referrals/referral-list";
import { ReferralsPage } from "~/admin/referrals/referrals-page";
import prisma from "~/db.server";
import { requireMethod } from "~/http/methods.server";
import { reviewReferral } from "~/loyalty/referrals/referrals.server";
import { dashboardRangeFromSearch } from "~/loyalty/reports/dashboard.server";
import {
  listReferrals,
  listReferralsOptionsSchema,
  referralFigures,
  referralInShop,
  ReferralListRequestError,
} from "~/loyalty/reports/referrals.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, shop, program, revision } = await adminProgram(request);
  const search = new URL(request.url).searchParams;
  const range = dashboardRangeFromSearch(search);
  const options = listReferralsOptionsSchema.safeParse(Object.fromEntries(search));
  if (!range.success || !options.success) throw Response.json({ error: "invalid_options" }, { status: 400 });
  try {
    const [page, figures, currencyCode] = await Promise.all([
      listReferrals(prisma, shop.id, options.data),
      referralFigures(prisma, shop.id, range.data),
      shopCurrencyCode(session),
    ]);
    return { program, revision, range: range.data, figures, currencyCode, status: options.data.status, ...page };
  } catch (error) {
    if (error instanceof ReferralListRequestError) throw Response.json({ error: error.message }, { status: 400 });
    throw error;
  }
}

const reviewRequest = z.object({ intent: z.enum(["approve", "reject"]), referralId: z.string().min(1).max(100) });

/** The settings' Save (the program document, as JSON) or the merchant's decision on a held referral (a form). */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "GET", "POST");
  if (request.headers.get("Content-Type")?.includes("application/json")) return saveProgramFromPage(request);
  const { shop } = await adminContext(request);
  const parsed = reviewRequest.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ ok: false, error: "invalid" } satisfies ReviewOutcome, { status: 400 });
  const referralId = await referralInShop(prisma, shop.id, parsed.data.referralId);
  if (!referralId) return Response.json({ ok: false, error: "not_found" } satisfies ReviewOutcome, { status: 404 });
  const reviewed = await reviewReferral(prisma, shop.id, referralId, parsed.data.intent, new Date());
  if (!reviewed) return Response.json({ ok: false, error: "not_reviewable" } satisfies ReviewOutcome, { status: 400 });
  return Response.json({ ok: true, decision: parsed.data.intent } satisfies ReviewOutcome);
}

export default function ReferralsRoute() {
  return <ReferralsPage {...useLoaderData<typeof loader>()} />;
}
