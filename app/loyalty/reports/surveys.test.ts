import { describe, expect, it } from "vitest";
import type { SurveyQuestion } from "~/loyalty/program/program";
import {
  answerText,
  countsOf,
  isoWeekKey,
  lastWeeks,
  netPromoterScore,
  npsCategory,
  questionResults,
  scoreDistribution,
  segmentsOf,
  weeklyTrend,
} from "./surveys";

describe("a survey's Net Promoter Score", () => {
  it("sorts scores: 9–10 promoters, 7–8 passives, 0–6 detractors", () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual([
      "detractor",
      "detractor",
      "passive",
      "passive",
      "promoter",
      "promoter",
    ]);
  });

  it("is % promoters − % detractors: 2 promoters, 1 passive, 1 detractor make 25", () => {
    expect(netPromoterScore({ promoters: 2, passives: 1, detractors: 1 })).toBe(25);
    expect(netPromoterScore({ promoters: 0, passives: 0, detractors: 3 })).toBe(-100);
    expect(netPromoterScore({ promoters: 1, passives: 0, detractors: 1 })).toBe(0);
    expect(netPromoterScore({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });

  it("counts each score 0–10 and the categories of the distribution", () => {
    const distribution = scoreDistribution([
      { score: 10, count: 2 },
      { score: 7, count: 1 },
      { score: 3, count: 4 },
    ]);
    expect(distribution).toEqual([0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 2]);
    expect(countsOf(distribution)).toEqual({ promoters: 2, passives: 1, detractors: 4 });
  });
});

describe("the weekly trend", () => {
  it("names ISO weeks as PostgreSQL does, across a year's turn", () => {
    expect(isoWeekKey(new Date("2026-01-01T12:00:00Z"))).toBe("2026-W01");
    expect(isoWeekKey(new Date("2027-01-01T12:00:00Z"))).toBe("2026-W53");
    expect(isoWeekKey(new Date("2026-06-15T00:00:00Z"))).toBe("2026-W25");
    expect(isoWeekKey(new Date("2026-06-14T23:59:59Z"))).toBe("2026-W24");
  });

  it("covers the last 12 weeks from their Mondays, a week without answers has no NPS", () => {
    const weeks = lastWeeks(new Date("2026-06-17T10:00:00Z"));
    expect(weeks).toHaveLength(12);
    expect(weeks[11]!.toISOString()).toBe("2026-06-15T00:00:00.000Z");
    const trend = weeklyTrend(weeks, [{ key: "2026-W25", promoters: 1, passives: 0, detractors: 0 }]);
    expect(trend[11]).toMatchObject({ week: "2026-W25", nps: 100 });
    expect(trend[10]).toMatchObject({ week: "2026-W24", nps: null });
  });
});

describe("segments", () => {
  it("compares members with guests and members by tier, the program's tiers first", () => {
    const segments = segmentsOf(
      [
        { guest: true, tierId: null, promoters: 0, passives: 0, detractors: 2 },
        { guest: false, tierId: "gold", promoters: 2, passives: 0, detractors: 0 },
        { guest: false, tierId: null, promoters: 0, passives: 1, detractors: 1 },
        { guest: false, tierId: "silver", promoters: 1, passives: 0, detractors: 0 },
      ],
      [
        { id: "silver", name: "Silver" },
        { id: "gold", name: "Gold" },
      ],
    );
    expect(segments.guests).toMatchObject({ answers: 2, nps: -100 });
    expect(segments.members).toMatchObject({ answers: 5, nps: 40 });
    expect(segments.tiers.map((tier) => [tier.tierId, tier.name, tier.nps])).toEqual([
      ["silver", "Silver", 100],
      ["gold", "Gold", 100],
      [null, null, -50],
    ]);
  });
});

const questions: SurveyQuestion[] = [
  {
    id: "found",
    type: "single_choice",
    text: "How did you find us?",
    options: [
      { id: "friend", label: "A friend" },
      { id: "ad", label: "An ad" },
    ],
  },
  {
    id: "liked",
    type: "multiple_choice",
    text: "What did you like?",
    options: [
      { id: "price", label: "Price" },
      { id: "speed", label: "Speed" },
    ],
  },
  { id: "rate", type: "rating", text: "Rate the packaging" },
  { id: "else", type: "text", text: "Anything else?" },
];

describe("each question's answers", () => {
  it("counts options in the survey's order, rates 1–5 with an average, lists texts", () => {
    const results = questionResults(
      questions,
      [
        { questionId: "found", value: "ad", count: 3 },
        { questionId: "found", value: "gone", count: 1 },
        { questionId: "liked", value: "price", count: 2 },
        { questionId: "liked", value: "speed", count: 1 },
        { questionId: "rate", value: "5", count: 1 },
        { questionId: "rate", value: "2", count: 1 },
      ],
      [
        { questionId: "found", count: 4 },
        { questionId: "liked", count: 2 },
        { questionId: "rate", count: 2 },
        { questionId: "else", count: 1 },
      ],
      [{ questionId: "else", at: "2026-06-01T00:00:00.000Z", text: "Lovely" }],
    );
    expect(results[0]).toMatchObject({
      answers: 4,
      options: [
        { id: "friend", count: 0 },
        { id: "ad", count: 3 },
      ],
    });
    expect(results[1]).toMatchObject({ options: [{ count: 2 }, { count: 1 }] });
    expect(results[2]).toMatchObject({ counts: [0, 1, 0, 0, 1], average: 3.5 });
    expect(results[3]).toMatchObject({ latest: [{ text: "Lovely" }] });
  });

  it("writes an answer for the CSV: option labels, a rating, text", () => {
    expect(answerText(questions[0]!, "friend")).toBe("A friend");
    expect(answerText(questions[1]!, ["price", "speed"])).toBe("Price; Speed");
    expect(answerText(questions[2]!, 4)).toBe("4");
    expect(answerText(questions[3]!, undefined)).toBe("");
  });
});
