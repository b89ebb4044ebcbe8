import { z } from "zod";
import prisma from "~/db.server";
import { programForStorefront } from "~/loyalty/billing/billing.server";
import type { OnboardingStep } from "~/loyalty/program/onboarding";
import { completeOnboarding } from "~/loyalty/program/onboarding.server";
import type { Program, ProgramIssue } from "~/loyalty/program/program";
import { saveProgram } from "~/loyalty/program/program.server";
import { publishStorefrontProgram } from "~/loyalty/program/storefront-program.server";
import { refreshStaleStoreCreditSetting } from "~/loyalty/rewards/store-credit.server";
import { adminContext } from "./admin-context.server";
import { requireMethod } from "~/http/methods.server";

export type ProgramSaveResult =
  | { ok: true; program: Program; revision: number }
  | { ok: false; conflict: true; revision: number }
  | { ok: false; conflict: false; issues: ProgramIssue[] };

const saveBody = z.object({ program: z.unknown(), revision: z.number().int().min(0) });

/**
 * A program page's Save: the whole document with the revision it was loaded at, so a colleague's
 * newer save is never overwritten (409). Saving counts toward the onboarding `steps`.
 */
export async function saveProgramFromPage(request: Request, steps: OnboardingStep[] = []): Promise<Response> {
  requireMethod(request, "GET", "POST");
  const { shop } = await adminContext(request);
  const body = saveBody.safeParse(await request.json().catch(() => null));
  if (!body.success)
    return Response.json(
      { ok: false, conflict: false, issues: [{ path: "", message: "invalid request" }] },
      { status: 400 },
    );
  return saveProgramDocument(shop, body.data.program, body.data.revision, steps);
}

/**
 * Saves a program document a page sent (validated here: 422 with the issues, 409 on an older
 * revision) and brings what depends on it in line: the storefront's copy, store credit, onboarding.
 */
export async function saveProgramDocument(
  shop: { id: string; domain: string },
  program: unknown,
  revision: number,
  steps: OnboardingStep[] = [],
): Promise<Response> {
  const result = await saveProgram(prisma, shop.id, program, revision);
  if (result.ok) {
    const saved = { id: shop.id, domain: shop.domain, program: result.program, programRevision: result.revision };
    await publishStorefrontProgram(prisma, shop.domain, await programForStorefront(prisma, saved));
    await refreshStaleStoreCreditSetting(prisma, saved, new Date(), 0);
    await completeOnboarding(prisma, shop.id, ["program", ...steps]);
    return Response.json({ ok: true, program: result.program, revision: result.revision } satisfies ProgramSaveResult);
  }
  if (result.status === 409)
    return Response.json({ ok: false, conflict: true, revision: result.revision } satisfies ProgramSaveResult, {
      status: 409,
    });
  return Response.json({ ok: false, conflict: false, issues: result.issues } satisfies ProgramSaveResult, {
    status: 422,
  });
}
