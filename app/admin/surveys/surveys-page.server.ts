import prisma from "~/db.server";
import { NPS_CATEGORIES, surveyById, type NpsCategory } from "~/loyalty/reports/surveys";
import { surveyComments, surveyCsvChunks, surveyResults } from "~/loyalty/reports/surveys.server";
import { csvStream } from "~/loyalty/members/export.server";
import { adminProgram } from "../common/admin-context.server";
import { saveProgramFromPage } from "../common/program-save.server";

/**
 * The surveys' admin page (issue 23): the program's surveys to edit, each with how many answered.
 * Save sends the whole program (validated: 422 with the issues, nothing written).
 */
export async function surveysPageData(request: Request) {
  const { shop, program, revision } = await adminProgram(request);
  const counts = await prisma.surveyAnswer.groupBy({
    by: ["surveyId"],
    where: { shopId: shop.id },
    _count: { _all: true },
  });
  return {
    program,
    revision,
    answerCounts: Object.fromEntries(counts.map((row) => [row.surveyId, row._count._all])) as Record<string, number>,
  };
}

export const surveysPageAction = (request: Request) => saveProgramFromPage(request);

const notFound = () => new Response("Survey not found", { status: 404 });

/** One survey's results; the comments as the URL asks: ?q= (search), ?category=, ?page=. */
export async function surveyResultsData(request: Request, surveyId: string) {
  const { shop, program } = await adminProgram(request);
  const survey = surveyById(program.surveys, surveyId);
  if (!survey) throw notFound();
  const url = new URL(request.url);
  const search = (url.searchParams.get("q") ?? "").slice(0, 200);
  const categoryParam = url.searchParams.get("category");
  const category = NPS_CATEGORIES.includes(categoryParam as NpsCategory) ? (categoryParam as NpsCategory) : null;
  const page = Math.min(Math.max(Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1, 1), 10_000);
  const [results, comments] = await Promise.all([
    surveyResults(prisma, shop.id, survey, program.tiers.levels, new Date()),
    surveyComments(prisma, shop.id, survey.id, { search, category, page }),
  ]);
  return { survey, results, comments, filters: { search, category } };
}

/** GET /app/export/surveys/<id>: the survey's answers as CSV, streamed. */
export async function surveyExport(request: Request, surveyId: string): Promise<Response> {
  const { shop, program } = await adminProgram(request);
  const survey = surveyById(program.surveys, surveyId);
  if (!survey) return notFound();
  return new Response(csvStream(surveyCsvChunks(prisma, shop.id, survey, program.tiers.levels)), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="tally-survey-${survey.id}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
