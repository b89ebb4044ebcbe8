import { z } from "zod";
import prisma from "~/db.server";
import { requireMethod } from "~/http/methods.server";
import { parseProgram, type Program, type ProgramIssue } from "~/loyalty/program/program";
import { monthRange } from "~/loyalty/reports/giving";
import { givingCsv, givingReport } from "~/loyalty/reports/giving.server";
import { AdminGateway } from "~/shopify/admin-gateway.server";
import { ensureDonationProduct } from "~/shopify/donation-product.server";
import { AdminApiError } from "~/shopify/errors";
import { findVariants } from "~/shopify/membership-product.server";
import { adminContext, adminProgram } from "../common/admin-context.server";
import { saveProgramDocument, type ProgramSaveResult } from "../common/program-save.server";

/**
 * The giving page (issue 24): causes, the round-up and its donation product in Shopify, points
 * donations, and what the shop owes each cause over a range of months (`?from=YYYY-MM&to=YYYY-MM`).
 */

export type DonationProductState =
  /** Tally has not made the product yet. */
  | "unset"
  | "created"
  /** Its variant no longer exists in Shopify (deleted): the round-up cannot be added to carts. */
  | "missing"
  /** Shopify did not answer: the page says nothing either way. */
  | "unknown";

async function donationProductState(admin: AdminGateway, program: Program): Promise<DonationProductState> {
  const { variantId } = program.giving.roundUp;
  if (variantId === null) return "unset";
  try {
    return (await findVariants(admin, [variantId])).has(variantId) ? "created" : "missing";
  } catch (error) {
    console.error("Could not check the donation product", error);
    return "unknown";
  }
}

export async function givingPageData(request: Request) {
  const { shop, session, program, revision } = await adminProgram(request);
  const url = new URL(request.url);
  const now = new Date();
  // A malformed range in the address shows this year's.
  const range =
    monthRange({ from: url.searchParams.get("from"), to: url.searchParams.get("to") }, now) ?? monthRange({}, now)!;
  const [productState, report] = await Promise.all([
    donationProductState(new AdminGateway(session.shop, session.accessToken ?? ""), program),
    givingReport(prisma, shop, program.giving.causes, range),
  ]);
  return { program, revision, productState, report };
}

const actionBody = z.object({
  /** save: the document; create-product: the document, after Tally made the donation product. */
  intent: z.enum(["save", "create-product"]).default("save"),
  program: z.unknown(),
  revision: z.number().int().min(0),
});

const refused = (status: number, issues: ProgramIssue[]) =>
  Response.json({ ok: false, conflict: false, issues } satisfies ProgramSaveResult, { status });

/** The product's page in Shopify (unlisted: a shopper only sees it in the cart and at checkout). */
const DESCRIPTION_HTML =
  "<p>A donation to the causes this shop supports, added to the order at the cart or at checkout. Nothing is shipped.</p>";

/**
 * Save, or create the donation product then save its ids with the document. A document that does
 * not validate is refused (422) before anything is asked of Shopify.
 */
export async function givingPageAction(request: Request): Promise<Response> {
  requireMethod(request, "GET", "POST");
  const { shop, session } = await adminContext(request);
  const body = actionBody.safeParse(await request.json().catch(() => null));
  if (!body.success) return refused(400, [{ path: "", message: "invalid request" }]);
  const parsed = parseProgram(body.data.program);
  if (!parsed.ok) return refused(422, parsed.issues);
  const program = structuredClone(parsed.program);
  if (body.data.intent === "create-product") {
    try {
      // One attempt: a retry (the merchant's next click) looks the product up before creating one.
      const once = new AdminGateway(session.shop, session.accessToken ?? "", { maxAttempts: 1 });
      const made = await ensureDonationProduct(once, {
        title: "Donation",
        descriptionHtml: DESCRIPTION_HTML,
        taxable: program.giving.roundUp.taxable,
      });
      program.giving.roundUp.productId = made.productId;
      program.giving.roundUp.variantId = made.variantId;
    } catch (error) {
      if (!(error instanceof AdminApiError)) throw error;
      console.error("Giving page: Shopify refused or did not answer", error);
      return refused(502, [{ path: "", message: `Shopify: ${error.message}` }]);
    }
  }
  return saveProgramDocument(shop, program, body.data.revision);
}

/** GET /app/export/giving?from=YYYY-MM&to=YYYY-MM: the remittance CSV, one row per cause, month and currency. */
export async function givingExport(request: Request): Promise<Response> {
  const { shop, program } = await adminProgram(request);
  const url = new URL(request.url);
  const range = monthRange({ from: url.searchParams.get("from"), to: url.searchParams.get("to") }, new Date());
  if (!range)
    return new Response("from and to are months (YYYY-MM), from before to, ten years at most", { status: 400 });
  const report = await givingReport(prisma, shop, program.giving.causes, range);
  return new Response(givingCsv(report), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="tally-giving-${range.from}-${range.to}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
