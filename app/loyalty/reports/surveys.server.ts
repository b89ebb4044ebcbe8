import { Prisma, type PrismaClient } from "@prisma/client";
import { stringify } from "csv-stringify/sync";
import type { Program, Survey } from "~/loyalty/program/program";
import {
  answerText,
  CATEGORY_SCORES,
  COMMENTS_PAGE,
  countsOf,
  lastWeeks,
  netPromoterScore,
  npsCategory,
  questionResults,
  scoreDistribution,
  segmentsOf,
  weeklyTrend,
  type AnswerValueRow,
  type CategoryRow,
  type NpsCategory,
  type SegmentRow,
  type SurveyComment,
  type SurveyResults,
} from "./surveys";

/*
 * A survey's results for the admin (issue 23), read from SurveyAnswer: every query names the shop
 * and the survey (the index on shopId, surveyId, createdAt). A redacted answer (a privacy request)
 * still counts in the scores, but none of its text is read.
 */

const categoryCounts = Prisma.sql`
  COUNT(*) FILTER (WHERE a.score >= 9)::int AS promoters,
  COUNT(*) FILTER (WHERE a.score BETWEEN 7 AND 8)::int AS passives,
  COUNT(*) FILTER (WHERE a.score <= 6)::int AS detractors`;

/** The texts answered at most, per text question (the latest). */
const TEXTS_PER_QUESTION = 20;

export async function surveyResults(
  db: PrismaClient,
  shopId: string,
  survey: Survey,
  tiers: Program["tiers"]["levels"],
  now: Date,
): Promise<SurveyResults> {
  const weeks = lastWeeks(now);
  const scoped = Prisma.sql`a."shopId" = ${shopId} AND a."surveyId" = ${survey.id}`;
  const countedIds = survey.questions.filter((question) => question.type !== "text").map((question) => question.id);
  const textIds = survey.questions.filter((question) => question.type === "text").map((question) => question.id);
  const allIds = survey.questions.map((question) => question.id);
  const [scores, trend, segments, values, answered, texts] = await Promise.all([
    db.$queryRaw<{ score: number; count: number }[]>`
      SELECT a.score, COUNT(*)::int AS count FROM "SurveyAnswer" a WHERE ${scoped} GROUP BY 1`,
    db.$queryRaw<CategoryRow[]>`
      SELECT to_char(a."createdAt", 'IYYY-"W"IW') AS key, ${categoryCounts}
        FROM "SurveyAnswer" a
       WHERE ${scoped} AND a."createdAt" >= ${weeks[0]!} AND a."createdAt" <= ${now}
       GROUP BY 1`,
    db.$queryRaw<SegmentRow[]>`
      SELECT (a."memberId" IS NULL) AS guest, a."tierId", ${categoryCounts}
        FROM "SurveyAnswer" a WHERE ${scoped} GROUP BY 1, 2`,
    // An option id, a rating, or each option id of a multiple choice: one value each.
    db.$queryRaw<AnswerValueRow[]>`
      SELECT q.key AS "questionId", v.value, COUNT(*)::int AS count
        FROM "SurveyAnswer" a
       CROSS JOIN LATERAL jsonb_each(a.answers) AS q(key, answer)
       CROSS JOIN LATERAL (
              SELECT jsonb_array_elements_text(q.answer) AS value WHERE jsonb_typeof(q.answer) = 'array'
              UNION ALL
              SELECT q.answer #>> '{}' WHERE jsonb_typeof(q.answer) IN ('string', 'number')
            ) AS v
       WHERE ${scoped} AND jsonb_typeof(a.answers) = 'object' AND q.key = ANY(${countedIds}::text[])
       GROUP BY 1, 2`,
    db.$queryRaw<{ questionId: string; count: number }[]>`
      SELECT q.key AS "questionId", COUNT(*)::int AS count
        FROM "SurveyAnswer" a
       CROSS JOIN LATERAL jsonb_each(a.answers) AS q(key, answer)
       WHERE ${scoped} AND jsonb_typeof(a.answers) = 'object' AND q.key = ANY(${allIds}::text[])
         AND q.answer <> 'null'::jsonb AND q.answer <> '[]'::jsonb AND q.answer <> '""'::jsonb
       GROUP BY 1`,
    db.$queryRaw<{ questionId: string; at: Date; text: string }[]>`
      SELECT t."questionId", t.at, t.text FROM (
        SELECT q.key AS "questionId", a."createdAt" AS at, q.answer #>> '{}' AS text,
               row_number() OVER (PARTITION BY q.key ORDER BY a."createdAt" DESC, a.id DESC) AS n
          FROM "SurveyAnswer" a
         CROSS JOIN LATERAL jsonb_each(a.answers) AS q(key, answer)
         WHERE ${scoped} AND a."redactedAt" IS NULL AND jsonb_typeof(a.answers) = 'object'
           AND q.key = ANY(${textIds}::text[]) AND jsonb_typeof(q.answer) = 'string' AND q.answer <> '""'::jsonb
      ) t
       WHERE t.n <= ${TEXTS_PER_QUESTION}
       ORDER BY t."questionId", t.at DESC`,
  ]);
  const distribution = scoreDistribution(scores);
  const counts = countsOf(distribution);
  return {
    answers: counts.promoters + counts.passives + counts.detractors,
    nps: netPromoterScore(counts),
    counts,
    distribution,
    trend: weeklyTrend(weeks, trend),
    segments: segmentsOf(segments, tiers),
    questions: questionResults(
      survey.questions,
      values,
      answered,
      texts.map((row) => ({ questionId: row.questionId, at: row.at.toISOString(), text: row.text })),
    ),
  };
}

/** "%text%" for ILIKE, with the pattern's own characters (\ % _) taken literally. */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, "\\$&")}%`;

/**
 * The answers with a comment, newest first, a page at a time: those whose comment contains
 * `search` (any case), of a score category. A redacted answer is listed without its text and
 * never matches a search.
 */
export async function surveyComments(
  db: PrismaClient,
  shopId: string,
  surveyId: string,
  options: { search?: string; category?: NpsCategory | null; page?: number },
): Promise<{ comments: SurveyComment[]; page: number; hasNext: boolean; total: number }> {
  const page = Math.max(1, Math.floor(options.page ?? 1));
  const search = options.search?.trim() ?? "";
  const [min, max] = options.category ? CATEGORY_SCORES[options.category] : [0, 10];
  const where = Prisma.sql`a."shopId" = ${shopId} AND a."surveyId" = ${surveyId}
    AND a.comment IS NOT NULL AND a.comment <> '' AND a.score BETWEEN ${min} AND ${max}
    ${search ? Prisma.sql`AND a."redactedAt" IS NULL AND a.comment ILIKE ${likePattern(search)}` : Prisma.empty}`;
  const [rows, total] = await Promise.all([
    db.$queryRaw<
      {
        id: string;
        createdAt: Date;
        score: number;
        comment: string | null;
        redacted: boolean;
        memberId: string | null;
        memberEmail: string | null;
        shopifyOrderId: string;
      }[]
    >`
      SELECT a.id, a."createdAt", a.score, CASE WHEN a."redactedAt" IS NULL THEN a.comment END AS comment,
             (a."redactedAt" IS NOT NULL) AS redacted, a."memberId", m.email AS "memberEmail", a."shopifyOrderId"
        FROM "SurveyAnswer" a
        LEFT JOIN "Member" m ON m.id = a."memberId" AND m."shopId" = a."shopId"
       WHERE ${where}
       ORDER BY a."createdAt" DESC, a.id DESC
       LIMIT ${COMMENTS_PAGE + 1} OFFSET ${(page - 1) * COMMENTS_PAGE}`,
    db.$queryRaw<{ count: number }[]>`SELECT COUNT(*)::int AS count FROM "SurveyAnswer" a WHERE ${where}`,
  ]);
  return {
    page,
    hasNext: rows.length > COMMENTS_PAGE,
    total: total[0]?.count ?? 0,
    comments: rows.slice(0, COMMENTS_PAGE).map((row) => ({
      ...row,
      createdAt: row.createdAt.toISOString(),
      category: npsCategory(row.score),
      memberEmail: row.redacted ? null : row.memberEmail,
    })),
  };
}

export const SURVEY_EXPORT_PAGE = 1000;

/**
 * A survey's answers as CSV, oldest first, 1000 rows a read: date, order, customer, member or guest,
 * tier, score, category, each question's answer, comment. Spreadsheets run a cell starting with
 * = + - @ as a formula: csv-stringify's escape_formulas quotes those (as the members export does).
 * A redacted answer keeps its score, without its customer or any text.
 */
export async function* surveyCsvChunks(
  db: PrismaClient,
  shopId: string,
  survey: Survey,
  tiers: Program["tiers"]["levels"],
): AsyncGenerator<string> {
  const header = [
    "date",
    "order",
    "customer_id",
    "member_or_guest",
    "tier",
    "score",
    "category",
    ...survey.questions.map((question) => question.text),
    "comment",
  ];
  let first = true;
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const rows: {
      id: string;
      createdAt: Date;
      shopifyOrderId: string;
      shopifyCustomerId: string | null;
      memberId: string | null;
      tierId: string | null;
      score: number;
      answers: unknown;
      comment: string | null;
      redactedAt: Date | null;
    }[] = await db.surveyAnswer.findMany({
      where: {
        shopId,
        surveyId: survey.id,
        ...(after
          ? {
              OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }],
            }
          : {}),
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: SURVEY_EXPORT_PAGE,
      select: {
        id: true,
        createdAt: true,
        shopifyOrderId: true,
        shopifyCustomerId: true,
        memberId: true,
        tierId: true,
        score: true,
        answers: true,
        comment: true,
        redactedAt: true,
      },
    });
    const records = rows.map((row) => {
      const redacted = row.redactedAt !== null;
      const answers = (row.answers && typeof row.answers === "object" ? row.answers : {}) as Record<string, unknown>;
      return [
        row.createdAt.toISOString(),
        row.shopifyOrderId,
        redacted ? "" : (row.shopifyCustomerId ?? ""),
        row.memberId ? "member" : "guest",
        row.tierId ? (tiers.find((tier) => tier.id === row.tierId)?.name ?? row.tierId) : "",
        row.score,
        npsCategory(row.score),
        ...survey.questions.map((question) =>
          redacted && question.type === "text" ? "" : answerText(question, answers[question.id]),
        ),
        redacted ? "" : (row.comment ?? ""),
      ];
    });
    if (first || records.length)
      yield stringify(first ? [header, ...records] : records, { escape_formulas: true, bom: first });
    first = false;
    if (rows.length < SURVEY_EXPORT_PAGE) return;
    after = rows[rows.length - 1]!;
  }
}
