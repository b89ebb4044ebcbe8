import { parse } from "csv-parse/sync";
import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program, Survey } from "~/loyalty/program/program";
import type { SurveyComment, SurveyResults } from "~/loyalty/reports/surveys";
import { surveyComments, surveyResults } from "~/loyalty/reports/surveys.server";
import { startTestApp, type TestApp } from "./support/test-app";

/*
 * The merchant's side of post-purchase surveys (issue 23): the results read from SurveyAnswer (a
 * guest's answer and a redacted one among them, another shop's never), the comments' search and
 * filter, the page's save refusing a survey that does not validate, and the CSV export.
 */

const SHOP = "surveys-admin.myshopify.com";
const OTHER_SHOP = "surveys-admin-other.myshopify.com";
let app: TestApp;
let shopId: string;
let otherShopId: string;
const now = new Date();
const ago = (hours: number) => new Date(now.getTime() - hours * 3_600_000);

const SURVEY: Survey = {
  id: "after-order",
  name: "After your order",
  enabled: true,
  nps: { text: "How likely are you to recommend {shop}?", comment: true },
  questions: [
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
    { id: "else", type: "text", text: "Anything else?" },
  ],
  points: 50,
  startsAt: null,
  endsAt: null,
  orders: { mode: "all", n: 2 },
};

/** A second survey, to read ratings (a survey has three questions at most). */
const RATING: Survey = {
  ...SURVEY,
  id: "packaging",
  name: "Packaging",
  questions: [{ id: "rate", type: "rating", text: "Rate the packaging" }],
};

let ava: string;
let ben: string;
let cleo: string;

async function answer(data: {
  shop?: string;
  survey?: string;
  order: string;
  memberId?: string | null;
  customer?: string | null;
  tierId?: string | null;
  score: number;
  answers: Record<string, unknown>;
  comment?: string | null;
  createdAt: Date;
  redactedAt?: Date | null;
}) {
  await app.prisma.surveyAnswer.create({
    data: {
      shopId: data.shop ?? shopId,
      surveyId: data.survey ?? SURVEY.id,
      shopifyOrderId: data.order,
      memberId: data.memberId ?? null,
      shopifyCustomerId: data.customer ?? null,
      tierId: data.tierId ?? null,
      score: data.score,
      answers: data.answers as object,
      comment: data.comment ?? null,
      createdAt: data.createdAt,
      redactedAt: data.redactedAt ?? null,
    },
  });
}

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  await app.installShop(OTHER_SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.surveys = [SURVEY, RATING];
  });
  otherShopId = await app.configureProgram(OTHER_SHOP, (program) => {
    program.surveys = [SURVEY];
  });
  const member = async (key: string) =>
    (await app.prisma.member.create({ data: { shopId, shopifyCustomerId: key, email: `${key}@example.com` } })).id;
  ava = await member("101");
  ben = await member("102");
  cleo = await member("103");
  await answer({
    order: "9001",
    memberId: ava,
    customer: "101",
    tierId: "gold",
    score: 10,
    answers: { found: "friend", liked: ["price", "speed"], else: "Great =fast" },
    comment: "Love it, 100% recommend",
    createdAt: ago(24),
  });
  await answer({
    order: "9002",
    memberId: ben,
    customer: "102",
    score: 8,
    answers: { found: "ad" },
    comment: "ok_ish",
    createdAt: ago(8 * 24),
  });
  // A guest: no member, no points.
  await answer({
    order: "9003",
    customer: "555",
    score: 3,
    answers: { found: "ad", liked: ["price"], else: "slow" },
    comment: '=HYPERLINK("http://evil.example","click")',
    createdAt: ago(48),
  });
  // Redacted on the customer's request: the score counts, no text is shown.
  await answer({
    order: "9004",
    memberId: cleo,
    customer: "103",
    score: 9,
    answers: { else: "secret text" },
    comment: "secret comment",
    createdAt: ago(3),
    redactedAt: ago(1),
  });
  await answer({ survey: RATING.id, order: "9001", score: 6, answers: { rate: 5 }, createdAt: ago(5) });
  await answer({ survey: RATING.id, order: "9002", score: 7, answers: { rate: 2 }, createdAt: ago(6) });
  await answer({ survey: RATING.id, order: "9003", score: 8, answers: { rate: 2 }, createdAt: ago(7) });
  await answer({ shop: otherShopId, order: "9001", score: 0, answers: {}, comment: "other shop", createdAt: ago(2) });
});
afterAll(async () => {
  await app?.close();
});

describe("a survey's results", () => {
  let results: SurveyResults;
  beforeAll(async () => {
    results = await surveyResults(app.prisma, shopId, SURVEY, [{ id: "gold", name: "Gold" }] as never, now);
  });

  it("NPS = % promoters − % detractors, over the shop's own answers (redacted ones count)", () => {
    expect(results.answers).toBe(4);
    expect(results.counts).toEqual({ promoters: 2, passives: 1, detractors: 1 });
    expect(results.nps).toBe(25);
    expect(results.distribution).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1]);
  });

  it("has a weekly trend over the last 12 ISO weeks", () => {
    expect(results.trend).toHaveLength(12);
    expect(results.trend.reduce((sum, week) => sum + week.promoters + week.passives + week.detractors, 0)).toBe(4);
  });

  it("compares members with guests, and members by their tier when answering", () => {
    expect(results.segments.guests).toMatchObject({ answers: 1, nps: -100 });
    expect(results.segments.members).toMatchObject({ answers: 3, nps: 67 });
    expect(results.segments.tiers.map((tier) => [tier.tierId, tier.name, tier.answers, tier.nps])).toEqual([
      ["gold", "Gold", 1, 100],
      [null, null, 2, 50],
    ]);
  });

  it("counts each question's answers; text answers leave out the redacted one", () => {
    const [found, liked, text] = results.questions;
    expect(found).toMatchObject({
      answers: 3,
      options: [
        { id: "friend", count: 1 },
        { id: "ad", count: 2 },
      ],
    });
    expect(liked).toMatchObject({
      answers: 2,
      options: [
        { id: "price", count: 2 },
        { id: "speed", count: 1 },
      ],
    });
    expect(text?.answers).toBe(3);
    expect(text?.type === "text" && text.latest.map((row) => row.text)).toEqual(["Great =fast", "slow"]);
  });

  it("reads a rating question's 1–5 distribution and average", async () => {
    const rating = await surveyResults(app.prisma, shopId, RATING, [], now);
    expect(rating.answers).toBe(3);
    expect(rating.questions[0]).toMatchObject({ answers: 3, counts: [0, 2, 0, 0, 1], average: 3 });
  });
});

describe("the comments", () => {
  const texts = (comments: SurveyComment[]) => comments.map((comment) => comment.comment);

  it("come newest first, a redacted one without its text, members linked", async () => {
    const { comments, total, hasNext } = await surveyComments(app.prisma, shopId, SURVEY.id, {});
    expect(total).toBe(4);
    expect(hasNext).toBe(false);
    expect(texts(comments)).toEqual([
      null,
      "Love it, 100% recommend",
      '=HYPERLINK("http://evil.example","click")',
      "ok_ish",
    ]);
    expect(comments[0]).toMatchObject({ redacted: true, memberId: cleo, memberEmail: null });
    expect(comments[1]).toMatchObject({ memberId: ava, memberEmail: "101@example.com", category: "promoter" });
    expect(comments[2]).toMatchObject({ memberId: null, category: "detractor" });
  });

  it("search case-insensitively, with % and _ taken literally; never in redacted text", async () => {
    const search = async (text: string) =>
      texts((await surveyComments(app.prisma, shopId, SURVEY.id, { search: text })).comments);
    expect(await search("LOVE")).toEqual(["Love it, 100% recommend"]);
    expect(await search("%")).toEqual(["Love it, 100% recommend"]);
    expect(await search("k_i")).toEqual(["ok_ish"]);
    expect(await search("_")).toEqual(["ok_ish"]);
    expect(await search("secret")).toEqual([]);
  });

  it("filter by score category", async () => {
    const category = async (name: "promoter" | "passive" | "detractor") =>
      (await surveyComments(app.prisma, shopId, SURVEY.id, { category: name })).comments.map((c) => c.score);
    expect(await category("promoter")).toEqual([9, 10]);
    expect(await category("passive")).toEqual([8]);
    expect(await category("detractor")).toEqual([3]);
  });

  it("page 20 at a time", async () => {
    for (let n = 0; n < 21; n++)
      await answer({
        order: `page-${n}`,
        score: 7,
        answers: {},
        comment: `page comment ${n}`,
        createdAt: ago(400 + n),
      });
    const first = await surveyComments(app.prisma, shopId, SURVEY.id, { search: "page comment" });
    expect(first.comments).toHaveLength(20);
    expect(first.hasNext).toBe(true);
    const second = await surveyComments(app.prisma, shopId, SURVEY.id, { search: "page comment", page: 2 });
    expect(texts(second.comments)).toEqual(["page comment 20"]);
    expect(second.hasNext).toBe(false);
    await app.prisma.surveyAnswer.deleteMany({ where: { shopifyOrderId: { startsWith: "page-" } } });
  });
});

type SaveAnswer = { ok: boolean; issues?: { path: string; message: string }[]; program?: Program; revision?: number };

async function loaderData<T>(path: string, route: string): Promise<{ status: number; data: T | undefined }> {
  const response = await app.admin(path, SHOP);
  if (response.status !== 200) return { status: response.status, data: undefined };
  const decoded = (await decode(response.body!)).value as Record<string, { data: T }>;
  return { status: 200, data: decoded[route]?.data };
}

async function save(program: unknown, revision: number): Promise<{ status: number; answer: SaveAnswer }> {
  const response = await app.admin("/app/surveys.data", SHOP, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ program, revision }),
  });
  const decoded = (await decode(response.body!)).value as { data: SaveAnswer } | SaveAnswer;
  return { status: response.status, answer: "data" in decoded ? decoded.data : decoded };
}

const storedShop = () => app.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });

describe("the surveys page", () => {
  it("loads the surveys with how many answered", async () => {
    const { data } = await loaderData<{ program: Program; answerCounts: Record<string, number> }>(
      "/app/surveys.data",
      "routes/app.surveys",
    );
    expect(data?.program.surveys.map((survey) => survey.id)).toEqual([SURVEY.id, RATING.id]);
    expect(data?.answerCounts).toEqual({ [SURVEY.id]: 4, [RATING.id]: 3 });
  });

  it("refuses a survey that does not validate (422) and writes nothing", async () => {
    const before = await storedShop();
    const program = structuredClone(before.program) as unknown as Program;
    program.surveys[0]!.questions.push({ id: "fourth", type: "text", text: "One too many" });
    const tooMany = await save(program, before.programRevision);
    expect(tooMany.status).toBe(422);
    expect(tooMany.answer.ok).toBe(false);
    expect(tooMany.answer.issues?.map((issue) => issue.path)).toContain("surveys.0.questions");
    const backwards = structuredClone(before.program) as unknown as Program;
    backwards.surveys[0]!.startsAt = "2026-07-01T00:00:00.000Z";
    backwards.surveys[0]!.endsAt = "2026-06-01T00:00:00.000Z";
    const { status, answer } = await save(backwards, before.programRevision);
    expect(status).toBe(422);
    expect(answer.issues?.map((issue) => issue.path)).toEqual(["surveys.0.endsAt"]);
    const after = await storedShop();
    expect(after.programRevision).toBe(before.programRevision);
    expect(after.program).toEqual(before.program);
  });

  it("saves a valid change through the program", async () => {
    const before = await storedShop();
    const program = structuredClone(before.program) as unknown as Program;
    program.surveys[0]!.points = 75;
    program.surveys[0]!.orders = { mode: "every_nth", n: 3 };
    const { status, answer } = await save(program, before.programRevision);
    expect(status).toBe(200);
    expect(answer.ok).toBe(true);
    const stored = (await storedShop()).program as unknown as Program;
    expect(stored.surveys[0]).toMatchObject({ points: 75, orders: { mode: "every_nth", n: 3 } });
  });

  it("shows a survey's results and comments as the URL asks; an unknown survey is 404", async () => {
    const { data } = await loaderData<{ results: SurveyResults; comments: { comments: SurveyComment[] } }>(
      `/app/surveys/${SURVEY.id}.data?q=recommend&category=promoter`,
      "routes/app.surveys_.$surveyId",
    );
    expect(data?.results.nps).toBe(25);
    expect(data?.comments.comments.map((comment) => comment.comment)).toEqual(["Love it, 100% recommend"]);
    expect((await app.admin("/app/surveys/nope.data", SHOP)).status).toBe(404);
  });
});

describe("the CSV export", () => {
  it("has one row per answer, oldest first, formulas defused, redacted text left out", async () => {
    const response = await app.admin(`/app/export/surveys/${SURVEY.id}`, SHOP);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM: Excel reads UTF-8
    const text = new TextDecoder().decode(bytes);
    const rows = parse(text, { bom: true }) as string[][];
    expect(rows[0]).toEqual([
      "date",
      "order",
      "customer_id",
      "member_or_guest",
      "tier",
      "score",
      "category",
      "How did you find us?",
      "What did you like?",
      "Anything else?",
      "comment",
    ]);
    const body = rows.slice(1).map((row) => row.slice(1));
    expect(body).toEqual([
      ["9002", "102", "member", "", "8", "passive", "An ad", "", "", "ok_ish"],
      [
        "9003",
        "555",
        "guest",
        "",
        "3",
        "detractor",
        "An ad",
        "Price",
        "slow",
        `'=HYPERLINK("http://evil.example","click")`,
      ],
      [
        "9001",
        "101",
        "member",
        "gold",
        "10",
        "promoter",
        "A friend",
        "Price; Speed",
        "Great =fast",
        "Love it, 100% recommend",
      ],
      ["9004", "", "member", "", "9", "promoter", "", "", "", ""],
    ]);
    expect(text).not.toContain("secret");
    expect(text).not.toContain("other shop");
  });

  it("is 404 for a survey the shop does not have", async () => {
    expect((await app.admin("/app/export/surveys/nope", SHOP)).status).toBe(404);
  });
});
