import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { adminContext, adminProgram, shopCurrencyCode } from "~/admin/common/admin-context.server";
import { PartnersPage, type PartnerOutcome } from "~/admin/partners/partners-page";
import { serverEnvironment } from "~/config/env.server";
import prisma from "~/db.server";
import { requireMethod } from "~/http/methods.server";
import { partnerSettingsSchema } from "~/loyalty/partners/partners";
import {
  createPartner,
  listPartners,
  revokePartner,
  rotatePartnerKey,
  updatePartner,
} from "~/loyalty/partners/partners.server";
import { partnerReport } from "~/loyalty/reports/partners.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, shop, program } = await adminProgram(request);
  const currencyCode = await shopCurrencyCode(session);
  const [partners, report] = await Promise.all([
    listPartners(prisma, shop.id),
    partnerReport(prisma, shop.id, program, currencyCode, new Date()),
  ]);
  // Keys are never in the loader: a key is shown once, in the answer to the action that made it.
  return {
    partners,
    report,
    currencyCode,
    endpoint: `${serverEnvironment().SHOPIFY_APP_URL.replace(/\/+$/, "")}/api/partners/earn`,
  };
}

const partnerIntent = z.object({ intent: z.enum(["rotate", "revoke"]), partnerId: z.string().min(1).max(100) });

/** Adds a partner (its key shown once), changes how one earns, rotates a partner's key (the new one shown once), or revokes it. */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "GET", "POST");
  const { shop } = await adminContext(request);
  const form = Object.fromEntries(await request.formData());
  const now = new Date();
  if (form.intent === "create" || form.intent === "update") {
    const settings = partnerSettingsSchema.safeParse(form);
    if (!settings.success) {
      const fields = settings.error.issues.map((issue) => String(issue.path[0] ?? ""));
      return Response.json({ ok: false, error: "invalid", fields } satisfies PartnerOutcome, { status: 400 });
    }
    if (form.intent === "update") {
      const partnerId = typeof form.partnerId === "string" ? form.partnerId.slice(0, 100) : "";
      if (!(await updatePartner(prisma, shop.id, partnerId, settings.data)))
        return Response.json({ ok: false, error: "not_found" } satisfies PartnerOutcome, { status: 404 });
      return Response.json({ ok: true, done: "updated", shownKey: null } satisfies PartnerOutcome);
    }
    const shown = await createPartner(prisma, shop.id, settings.data);
    return Response.json({ ok: true, done: "created", shownKey: shown } satisfies PartnerOutcome);
  }
  const parsed = partnerIntent.safeParse(form);
  if (!parsed.success)
    return Response.json({ ok: false, error: "invalid", fields: [] } satisfies PartnerOutcome, { status: 400 });
  if (parsed.data.intent === "rotate") {
    const shown = await rotatePartnerKey(prisma, shop.id, parsed.data.partnerId, now);
    if (!shown) return Response.json({ ok: false, error: "not_found" } satisfies PartnerOutcome, { status: 404 });
    return Response.json({ ok: true, done: "rotated", shownKey: shown } satisfies PartnerOutcome);
  }
  if (!(await revokePartner(prisma, shop.id, parsed.data.partnerId, now)))
    return Response.json({ ok: false, error: "not_found" } satisfies PartnerOutcome, { status: 404 });
  return Response.json({ ok: true, done: "revoked", shownKey: null } satisfies PartnerOutcome);
}

export default function PartnersRoute() {
  return <PartnersPage {...useLoaderData<typeof loader>()} />;
}
