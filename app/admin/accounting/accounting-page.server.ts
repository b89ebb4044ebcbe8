import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import prisma from "~/db.server";
import { pointsRollForward } from "~/loyalty/reports/accounting.server";
import { accountingCsvRecords, accountingStatement, pointValueBasis } from "~/loyalty/reports/accounting-statement";
import { breakageCsvRecords, breakageReport } from "~/loyalty/reports/breakage";
import { breakageCohortSums } from "~/loyalty/reports/breakage.server";
import { adminProgram, shopCurrencyCode } from "../common/admin-context.server";
import { saveProgramFromPage } from "../common/program-save.server";

/**
 * The accounting page (issue 25, docs/accounting.md): the points roll-forward over a range of
 * months (`?from=YYYY-MM&to=YYYY-MM`, by default the twelve months ending this one, UTC) in points
 * and in money at the stated value per point, which the merchant sets here; the breakage by cohort
 * and the closing net of expected breakage; its CSV.
 */

const MAX_MONTHS = 120;
const PLAIN_NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const month = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, "a month: YYYY-MM");

const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5)) - 1;
const monthOfIndex = (index: number) =>
  `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;

const rangeQuery = z.object({ from: month.optional(), to: month.optional() }).transform((range, ctx) => {
  const now = new Date();
  const to = range.to ?? monthOfIndex(now.getUTCFullYear() * 12 + now.getUTCMonth());
  const from = range.from ?? monthOfIndex(monthIndex(to) - 11);
  const span = monthIndex(to) - monthIndex(from) + 1;
  if (span < 1 || span > MAX_MONTHS) {
    ctx.addIssue({ code: "custom", message: `from before to, ${MAX_MONTHS} months at most` });
    return z.NEVER;
  }
  return { from, to };
});

/** The range the address asks for; a Response 400 when it is not one. */
function requestedRange(request: Request): { from: string; to: string } {
  const params = new URL(request.url).searchParams;
  const parsed = rangeQuery.safeParse({
    from: params.get("from") || undefined,
    to: params.get("to") || undefined,
  });
  if (!parsed.success)
    throw new Response("from and to are months (YYYY-MM), from before to, ten years at most", { status: 400 });
  return parsed.data;
}

/** The statement in the shop's currency as Shopify has it now (else as last recorded; else amounts without a currency). */
export async function accountingPageData(request: Request) {
  const { session, shop, program, revision } = await adminProgram(request);
  const range = requestedRange(request);
  const [months, cohorts, currency] = await Promise.all([
    pointsRollForward(prisma, shop.id, range),
    breakageCohortSums(prisma, shop.id),
    shopCurrencyCode(session),
  ]);
  const currencyCode = currency ?? shop.currencyCode;
  const statement = accountingStatement(range, months, pointValueBasis(program, currencyCode), currencyCode);
  return { program, revision, statement, breakage: breakageReport(cohorts, statement) };
}

/** Saves the value per point with the rest of the document, through the program's validation (422). */
export const accountingPageAction = (request: Request) => saveProgramFromPage(request);

/**
 * GET /app/export/accounting?from=YYYY-MM&to=YYYY-MM: the roll-forward as CSV, the basis in its
 * first row; the breakage block after it.
 */
export async function accountingExport(request: Request): Promise<Response> {
  const { statement, breakage } = await accountingPageData(request);
  const { range } = statement;
  // BOM for spreadsheets; cells starting with = + - @ escaped (a reward's name is the merchant's
  // text) except plain numbers: a negative adjustment stays a number.
  const records = [...accountingCsvRecords(statement), ...breakageCsvRecords(breakage, statement.currencyCode)];
  const csv = stringify(records, {
    bom: true,
    escape_formulas: true,
    cast: { string: (value) => (PLAIN_NUMBER.test(value) ? { value, escape_formulas: false } : value) },
  });
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="tally-accounting-${range.from}-${range.to}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
