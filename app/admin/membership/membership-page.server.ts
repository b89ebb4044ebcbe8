import { z } from "zod";
import prisma from "~/db.server";
import { requireMethod } from "~/http/methods.server";
import {
  checkPickedVariants,
  membershipOfferHealth,
  withCreatedMembershipProduct,
} from "~/loyalty/membership/offer.server";
import { parseProgram, type ProgramIssue } from "~/loyalty/program/program";
import { membershipFigures } from "~/loyalty/reports/membership.server";
import { AdminGateway } from "~/shopify/admin-gateway.server";
import { AdminApiError } from "~/shopify/errors";
import { adminProgram } from "../common/admin-context.server";
import { saveProgramDocument, type ProgramSaveResult } from "../common/program-save.server";

/**
 * The paid membership's admin page (issue 22): the offer with its plans and perks, whether its
 * variants still exist in Shopify (one Admin API call), and its figures.
 */
export async function membershipPageData(request: Request) {
  const { shop, session, program, revision } = await adminProgram(request);
  const admin = new AdminGateway(session.shop, session.accessToken ?? "");
  const [health, figures] = await Promise.all([
    membershipOfferHealth(admin, program.membership),
    membershipFigures(prisma, shop.id, { graceDays: program.membership.graceDays, now: new Date() }),
  ]);
  return { program, revision, health, figures, currencyCode: shop.currencyCode ?? null };
}

const actionBody = z.object({
  /** save: the document; create-product: the document, after Tally made the product for plans without a variant. */
  intent: z.enum(["save", "create-product"]).default("save"),
  program: z.unknown(),
  revision: z.number().int().min(0),
  /** Whether the created variants are taxable (the merchant's choice; taxable unless said). */
  taxable: z.boolean().default(true),
});

const refused = (status: number, issues: ProgramIssue[]) =>
  Response.json({ ok: false, conflict: false, issues } satisfies ProgramSaveResult, { status });

/**
 * Save, or create the product then save. Input that does not validate, or a variant that is not
 * the shop's, is refused (422) before anything is written or asked of Shopify beyond the look-up.
 */
export async function membershipPageAction(request: Request): Promise<Response> {
  requireMethod(request, "GET", "POST");
  const { shop, session, program: savedProgram } = await adminProgram(request);
  const body = actionBody.safeParse(await request.json().catch(() => null));
  if (!body.success) return refused(400, [{ path: "", message: "invalid request" }]);
  const parsed = parseProgram(body.data.program);
  if (!parsed.ok) return refused(422, parsed.issues);
  try {
    const checked = await checkPickedVariants(
      new AdminGateway(session.shop, session.accessToken ?? ""),
      parsed.program,
      savedProgram,
    );
    if (!checked.ok) return refused(422, checked.issues);
    let program = checked.program;
    if (body.data.intent === "create-product") {
      // One attempt: a retry (the merchant's next click) looks the product up before creating one.
      const once = new AdminGateway(session.shop, session.accessToken ?? "", { maxAttempts: 1 });
      program = await withCreatedMembershipProduct(once, program, { taxable: body.data.taxable });
    }
    return saveProgramDocument(shop, program, body.data.revision);
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    console.error("Membership page: Shopify refused or did not answer", error);
    return refused(502, [{ path: "", message: `Shopify: ${error.message}` }]);
  }
}
