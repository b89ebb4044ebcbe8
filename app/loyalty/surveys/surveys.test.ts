import { describe, expect, it } from "vitest";
import { defaultProgram, surveySchema, type Survey } from "~/loyalty/program/program";
import { answersSchema, netPromoterScore, npsCategory, publicSurvey, surveyAsks, surveyForOrder } from "./surveys";

const survey = (change: Partial<Survey> = {}): Survey =>
  surveySchema.parse({
    id: "after",
    name: "After your order",
    nps: {
      text: "How likely are you to recommend {shop}?",
      translations: { fr: { text: "Recommanderiez-vous {shop} ?" } },
    },
    questions: [
      {
        id: "heard",
        type: "single_choice",
        text: "Where did you hear about us?",
        options: [
          { id: "friend", label: "A friend", translations: { fr: { label: "Un ami" } } },
          { id: "social", label: "Social media" },
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
      { id: "delivery", type: "rating", text: "Delivery?" },
    ],
    points: 50,
    ...change,
  });

describe("post-purchase surveys", () => {
  it("sorts scores into promoters (9–10), passives (7–8) and detractors (0–6); NPS is their difference in percent", () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual([
      "detractor",
      "detractor",
      "passive",
      "passive",
      "promoter",
      "promoter",
    ]);
    expect(netPromoterScore({ promoter: 5, passive: 3, detractor: 2 })).toBe(30);
    expect(netPromoterScore({ promoter: 0, passive: 0, detractor: 0 })).toBeNull();
  });

  it("asks about all orders, a customer's first, or every nth; a guest's order only for all and first", () => {
    expect(surveyAsks(survey({ orders: { mode: "first", n: 2 } }), 1)).toBe(true);
    expect(surveyAsks(survey({ orders: { mode: "first", n: 2 } }), 2)).toBe(false);
    expect([1, 2, 3, 4, 6].map((n) => surveyAsks(survey({ orders: { mode: "every_nth", n: 3 } }), n))).toEqual([
      false,
      false,
      true,
      false,
      true,
    ]);
    expect(surveyAsks(survey({ orders: { mode: "every_nth", n: 3 } }), null)).toBe(false);
    expect(surveyAsks(survey({ orders: { mode: "all", n: 2 } }), null)).toBe(true);
  });

  it("the order's survey is the first running one that asks, between its dates, while the program is on", () => {
    const program = defaultProgram();
    program.surveys = [
      survey({ id: "ended", endsAt: "2026-11-01T00:00:00Z" }),
      survey({ id: "off", enabled: false }),
      survey({ id: "current", startsAt: "2026-11-01T00:00:00Z" }),
    ];
    expect(surveyForOrder(program, 1, new Date("2026-12-01T00:00:00Z"))?.id).toBe("current");
    expect(surveyForOrder(program, 1, new Date("2026-10-01T00:00:00Z"))?.id).toBe("ended");
    program.enabled = false;
    expect(surveyForOrder(program, 1, new Date("2026-12-01T00:00:00Z"))).toBeNull();
  });

  it("accepts a score with the questions' answers, and nothing it does not ask", () => {
    const schema = answersSchema(survey());
    expect(
      schema.safeParse({ nps: 9, comment: "  Great  ", heard: "friend", liked: ["price"], delivery: 5 }).data,
    ).toEqual({
      nps: 9,
      comment: "Great",
      heard: "friend",
      liked: ["price"],
      delivery: 5,
    });
    for (const invalid of [
      { nps: 11 },
      { nps: 4.5 },
      { heard: "friend" },
      { nps: 5, heard: "billboard" },
      { nps: 5, liked: ["price", "price"] },
      { nps: 5, liked: [] },
      { nps: 5, delivery: 0 },
      { nps: 5, comment: "x".repeat(1001) },
      { nps: 5, comment: "bell\u0007" },
      { nps: 5, age: 40 },
    ]) {
      expect(schema.safeParse(invalid).success, JSON.stringify(invalid)).toBe(false);
    }
    // A survey that asks no comment refuses one.
    expect(
      answersSchema(survey({ nps: { text: "?", comment: false } })).safeParse({ nps: 5, comment: "hi" }).success,
    ).toBe(false);
  });

  it("reads in the shopper's language, the shop's name left for the extension to fill in", () => {
    expect(publicSurvey(survey(), "fr")).toMatchObject({
      nps: { text: "Recommanderiez-vous {shop} ?", comment: true },
      questions: [
        {
          id: "heard",
          options: [
            { id: "friend", label: "Un ami" },
            { id: "social", label: "Social media" },
          ],
        },
        {},
        {},
      ],
      points: 50,
    });
  });
});
