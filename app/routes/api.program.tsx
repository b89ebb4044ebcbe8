import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireMethod } from "~/http/methods.server";
import { z } from "zod";
import prisma from "~/db.server";
import { programForStorefront } from "~/loyalty/billing/billing.server";
import { defaultProgram } from "~/loyalty/program/program";
import { loadProgramState, saveProgram } from "~/loyalty/program/program.server";
import { publishStorefrontProgram } from "~/loyalty/program/storefront-program.server";
import { refreshStaleStoreCreditSetting } from "~/loyalty/rewards/store-credit.server";
import { authenticateAdminApi, readJson } from "~/shopify/admin-api.server";

/**
 * GET /api/program → { program, revision, running, problems } (see docs/program.md). `running` is
 * "saved", or "last_valid" / "none" when the saved program no longer validates (`problems` say why).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await authenticateAdminApi(request);
  const { state, revision } = await loadProgramState(prisma, shop.id);
  return Response.json({
    program: state.status === "none" ? defaultProgram() : state.program,
    revision,
    running: state.status,
    problems: state.status === "saved" ? [] : state.problems,
  });
}

const replaceBody = z.object({ program: z.unknown(), revision: z.number().int().min(0).optional() });

/** PUT /api/program { program, revision? } → 200 { program, revision } | 409 | 422 { issues } */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "GET", "PUT");
  const { shop } = await authenticateAdminApi(request);
  const body = replaceBody.safeParse(await readJson(request));
  if (!body.success)
    return Response.json(
      { error: "invalid_body", issues: [{ path: "program", message: "required" }] },
      { status: 400 },
    );
  const result = await saveProgram(prisma, shop.id, body.data.program, body.data.revision);
  if (result.ok) {
    const saved = { id: shop.id, domain: shop.domain, program: result.program, programRevision: result.revision };
    await publishStorefrontProgram(prisma, shop.domain, await programForStorefront(prisma, saved));
    await refreshStaleStoreCreditSetting(prisma, saved, new Date(), 0);
    return Response.json({ program: result.program, revision: result.revision });
  }
  if (result.status === 409) {
    return Response.json({ error: "stale_revision", revision: result.revision }, { status: 409 });
  }
  return Response.json({ error: "invalid_program", issues: result.issues }, { status: 422 });
}
