import type { Survey, SurveyQuestion } from "~/loyalty/program/program";

/**
 * A survey's results for the merchant (issue 23), the pure part: the Net Promoter Score and what
 * the counts per score, week, segment and answer add up to. The counts come from
 * app/loyalty/reports/surveys.server.ts.
 */

export type NpsCategory = "promoter" | "passive" | "detractor";
export const NPS_CATEGORIES: readonly NpsCategory[] = ["promoter", "passive", "detractor"];

/** 9–10 promoters, 7–8 passives, 0–6 detractors. */
export const npsCategory = (score: number): NpsCategory =>
  score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";

/** The scores of a category, inclusive (for SQL filters). */
export const CATEGORY_SCORES: Record<NpsCategory, [min: number, max: number]> = {
  promoter: [9, 10],
  passive: [7, 8],
  detractor: [0, 6],
};

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export const answerCount = (counts: NpsCounts) => counts.promoters + counts.passives + counts.detractors;

/** % promoters − % detractors, from −100 to 100, rounded to a whole number; null with no answers. */
export function netPromoterScore(counts: NpsCounts): number | null {
  const total = answerCount(counts);
  if (total === 0) return null;
  const score = Math.round(((counts.promoters - counts.detractors) / total) * 100);
  return score === 0 ? 0 : score; // never "-0"
}

/** How many answers gave each score, 0 to 10 (index = score). */
export function scoreDistribution(rows: { score: number; count: number }[]): number[] {
  const counts = Array.from({ length: 11 }, () => 0);
  for (const row of rows) if (row.score >= 0 && row.score <= 10) counts[row.score]! += row.count;
  return counts;
}

/** The categories' counts of a 0–10 distribution. */
export function countsOf(distribution: number[]): NpsCounts {
  const sum = (from: number, to: number) => distribution.slice(from, to + 1).reduce((a, b) => a + b, 0);
  return { promoters: sum(9, 10), passives: sum(7, 8), detractors: sum(0, 6) };
}

/** The ISO week of an instant (UTC) as PostgreSQL's to_char(…, 'IYYY-"W"IW') writes it: "2026-W05". */
export function isoWeekKey(at: Date): string {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = day.getUTCDay() || 7; // Monday 1 … Sunday 7
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the week's Thursday decides its year
  const year = day.getUTCFullYear();
  const week = Math.ceil(((day.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

export const TREND_WEEKS = 12;

/** The Monday (00:00 UTC) of each of the last `count` ISO weeks, the current one last. */
export function lastWeeks(now: Date, count = TREND_WEEKS): Date[] {
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() || 7) - 1));
  return Array.from({ length: count }, (_, index) => new Date(monday.getTime() - (count - 1 - index) * 7 * 86_400_000));
}

export interface CategoryRow extends NpsCounts {
  key: string;
}

export interface WeekNps extends NpsCounts {
  /** "2026-W05" */
  week: string;
  nps: number | null;
}

/** Each of the weeks, with its NPS (null for a week without answers). */
export function weeklyTrend(weeks: Date[], rows: CategoryRow[]): WeekNps[] {
  const byWeek = new Map(rows.map((row) => [row.key, row]));
  return weeks.map((start) => {
    const week = isoWeekKey(start);
    const row = byWeek.get(week) ?? { promoters: 0, passives: 0, detractors: 0 };
    const counts = { promoters: row.promoters, passives: row.passives, detractors: row.detractors };
    return { week, ...counts, nps: netPromoterScore(counts) };
  });
}

export interface SegmentRow extends NpsCounts {
  guest: boolean;
  tierId: string | null;
}

export interface SegmentNps extends NpsCounts {
  answers: number;
  nps: number | null;
}

export interface Segments {
  members: SegmentNps;
  guests: SegmentNps;
  /** Members by the tier they had when answering; tierId null: no tier. Tiers in the program's order first. */
  tiers: (SegmentNps & { tierId: string | null; name: string | null })[];
}

const segment = (counts: NpsCounts): SegmentNps => ({
  promoters: counts.promoters,
  passives: counts.passives,
  detractors: counts.detractors,
  answers: answerCount(counts),
  nps: netPromoterScore(counts),
});

const add = (a: NpsCounts, b: NpsCounts): NpsCounts => ({
  promoters: a.promoters + b.promoters,
  passives: a.passives + b.passives,
  detractors: a.detractors + b.detractors,
});

const NONE: NpsCounts = { promoters: 0, passives: 0, detractors: 0 };

/** Members against guests, and members by tier (a tier since removed keeps its id, without a name). */
export function segmentsOf(rows: SegmentRow[], tiers: { id: string; name: string }[]): Segments {
  const members = rows.filter((row) => !row.guest).reduce(add, NONE);
  const guests = rows.filter((row) => row.guest).reduce(add, NONE);
  const byTier = new Map<string | null, NpsCounts>();
  for (const row of rows) if (!row.guest) byTier.set(row.tierId, add(byTier.get(row.tierId) ?? NONE, row));
  const order = (tierId: string | null) => {
    const index = tiers.findIndex((tier) => tier.id === tierId);
    return index === -1 ? (tierId === null ? tiers.length + 1 : tiers.length) : index;
  };
  return {
    members: segment(members),
    guests: segment(guests),
    tiers: [...byTier.entries()]
      .sort(([a], [b]) => order(a) - order(b) || String(a).localeCompare(String(b)))
      .map(([tierId, counts]) => ({
        tierId,
        name: tiers.find((tier) => tier.id === tierId)?.name ?? null,
        ...segment(counts),
      })),
  };
}

export interface AnswerValueRow {
  questionId: string;
  value: string;
  count: number;
}

export type QuestionResult =
  | {
      type: "single_choice" | "multiple_choice";
      id: string;
      text: string;
      /** Answers that named at least one option. */
      answers: number;
      options: { id: string; label: string; count: number }[];
    }
  | { type: "rating"; id: string; text: string; answers: number; average: number | null; counts: number[] }
  | { type: "text"; id: string; text: string; answers: number; latest: { at: string; text: string }[] };

/**
 * Each question's answers: choice counts (options in the survey's order; an option since removed
 * is not shown), the 1–5 rating distribution and average, the latest text answers.
 */
export function questionResults(
  questions: SurveyQuestion[],
  values: AnswerValueRow[],
  answered: { questionId: string; count: number }[],
  texts: { questionId: string; at: string; text: string }[],
): QuestionResult[] {
  const answeredCount = (id: string) => answered.find((row) => row.questionId === id)?.count ?? 0;
  const valuesOf = (id: string) => values.filter((row) => row.questionId === id);
  return questions.map((question): QuestionResult => {
    const common = { id: question.id, text: question.text, answers: answeredCount(question.id) };
    if (question.type === "single_choice" || question.type === "multiple_choice") {
      const counts = new Map(valuesOf(question.id).map((row) => [row.value, row.count]));
      return {
        ...common,
        type: question.type,
        options: question.options.map((option) => ({
          id: option.id,
          label: option.label,
          count: counts.get(option.id) ?? 0,
        })),
      };
    }
    if (question.type === "rating") {
      const counts = [0, 0, 0, 0, 0];
      for (const row of valuesOf(question.id)) {
        const rating = Number(row.value);
        if (Number.isInteger(rating) && rating >= 1 && rating <= 5) counts[rating - 1]! += row.count;
      }
      const total = counts.reduce((a, b) => a + b, 0);
      const average = total ? counts.reduce((sum, count, index) => sum + count * (index + 1), 0) / total : null;
      return { ...common, type: "rating", counts, average };
    }
    return {
      ...common,
      type: "text",
      latest: texts.filter((row) => row.questionId === question.id).map(({ at, text }) => ({ at, text })),
    };
  });
}

/** An answer's cell for a question in the CSV: option labels (joined by "; "), a rating, text. */
export function answerText(question: SurveyQuestion, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (question.type === "single_choice" || question.type === "multiple_choice") {
    const label = (id: unknown) => question.options.find((option) => option.id === id)?.label ?? String(id);
    return Array.isArray(value) ? value.map(label).join("; ") : label(value);
  }
  return String(value);
}

export interface SurveyResults {
  answers: number;
  nps: number | null;
  counts: NpsCounts;
  /** Index = score 0–10. */
  distribution: number[];
  trend: WeekNps[];
  segments: Segments;
  questions: QuestionResult[];
}

export const COMMENTS_PAGE = 20;

export interface SurveyComment {
  id: string;
  createdAt: string;
  score: number;
  category: NpsCategory;
  /** null when the answer was redacted (a privacy request): nothing of its text is shown. */
  comment: string | null;
  redacted: boolean;
  memberId: string | null;
  memberEmail: string | null;
  shopifyOrderId: string;
}

/** A survey by id in the program, or null. */
export const surveyById = (surveys: Survey[], id: string) => surveys.find((survey) => survey.id === id) ?? null;
