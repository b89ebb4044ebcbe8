import { z } from "zod";
import type { ShopperLanguage } from "~/languages";
import { nameIn, type Program, type Survey, type SurveyQuestion } from "~/loyalty/program/program";

/**
 * Post-purchase surveys (issue 23, docs/surveys.md), pure: which survey asks about an order, what
 * an answer may hold, and the Net Promoter arithmetic.
 */

export const COMMENT_MAX = 1000;
export const TEXT_ANSWER_MAX = 500;

export type NpsCategory = "promoter" | "passive" | "detractor";

/** 9–10 promote, 7–8 are passive, 0–6 detract. */
export const npsCategory = (score: number): NpsCategory =>
  score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";

/** Whether the survey is on and its dates include `at`. */
export function surveyRunning(survey: Survey, at: Date): boolean {
  if (!survey.enabled) return false;
  if (survey.startsAt && Date.parse(survey.startsAt) > at.getTime()) return false;
  return !survey.endsAt || Date.parse(survey.endsAt) > at.getTime();
}

/**
 * Whether the survey asks about an order: the customer's `orderNumber`th paid order (1 for their
 * first; null for a guest, whose history is unknown: asked by `all` and `first` surveys only).
 */
export function surveyAsks(survey: Survey, orderNumber: number | null): boolean {
  switch (survey.orders.mode) {
    case "all":
      return true;
    case "first":
      return orderNumber === null || orderNumber === 1;
    case "every_nth":
      return orderNumber !== null && orderNumber % survey.orders.n === 0;
  }
}

/** The survey that asks about an order placed at `placedAt`, if any (the first running one that asks). */
export function surveyForOrder(program: Program, orderNumber: number | null, placedAt: Date): Survey | null {
  if (!program.enabled) return null;
  return program.surveys.find((survey) => surveyRunning(survey, placedAt) && surveyAsks(survey, orderNumber)) ?? null;
}

const textIn = (
  item: { text: string; translations?: Partial<Record<ShopperLanguage, { text: string }>> },
  language: ShopperLanguage,
) => item.translations?.[language]?.text ?? item.text;
const labelIn = (
  item: { label: string; translations?: Partial<Record<ShopperLanguage, { label: string }>> },
  language: ShopperLanguage,
) => item.translations?.[language]?.label ?? item.label;

/** A survey as shoppers read it, in their language ("{shop}" is the extension's to fill with the shop's name). */
export function publicSurvey(survey: Survey, language: ShopperLanguage) {
  return {
    id: survey.id,
    name: nameIn(survey, language),
    nps: { text: textIn(survey.nps, language), comment: survey.nps.comment },
    questions: survey.questions.map((question) => ({
      id: question.id,
      type: question.type,
      text: textIn(question, language),
      ...("options" in question && {
        options: question.options.map((option) => ({ id: option.id, label: labelIn(option, language) })),
      }),
    })),
    points: survey.points,
  };
}
export type PublicSurvey = ReturnType<typeof publicSurvey>;

/** A control character other than tab and line breaks (C0 and DEL). */
const isControlCharacter = (character: string) => {
  const code = character.charCodeAt(0);
  return (code < 32 && !"\t\n\r".includes(character)) || code === 127;
};

/** Plain text: no control characters but line breaks, trimmed; empty is no answer. */
const plainText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => ![...text].some(isControlCharacter), "control characters are not allowed")
    .transform((text) => text.trim());

function questionAnswer(question: SurveyQuestion) {
  const optionIds = "options" in question ? question.options.map((option) => option.id) : [];
  const option = z.string().refine((id) => optionIds.includes(id), `not an option of "${question.id}"`);
  switch (question.type) {
    case "single_choice":
      return option;
    case "multiple_choice":
      return z
        .array(option)
        .min(1)
        .max(optionIds.length)
        .refine((ids) => new Set(ids).size === ids.length, "an option chosen twice");
    case "rating":
      return z.number().int().min(1).max(5);
    case "text":
      return plainText(TEXT_ANSWER_MAX);
  }
}

/**
 * What an answer to `survey` may hold: the NPS score (required), its comment when the survey asks
 * for one, and each question's answer (optional) — nothing else.
 */
export function answersSchema(survey: Survey) {
  return z
    .object({
      nps: z.number().int().min(0).max(10),
      ...(survey.nps.comment && { comment: plainText(COMMENT_MAX).optional() }),
      ...Object.fromEntries(survey.questions.map((question) => [question.id, questionAnswer(question).optional()])),
    })
    .strict();
}
export type SurveyAnswers = { nps: number; comment?: string } & Record<string, unknown>;

/** Net Promoter Score: % promoters − % detractors, rounded to a whole number; null with no answers. */
export function netPromoterScore(counts: Record<NpsCategory, number>): number | null {
  const total = counts.promoter + counts.passive + counts.detractor;
  if (!total) return null;
  return Math.round(((counts.promoter - counts.detractor) * 100) / total);
}
