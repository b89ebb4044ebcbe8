import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deliverFlowEvents } from "~/jobs/flow.server";
import { FLOW_TRIGGERS } from "~/loyalty/points/flow-triggers";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import type { Program } from "~/loyalty/program/program";
import { mintSessionToken } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, webhookPayload } from "./support/webhook-fixtures";

// Post-purchase surveys answered through the extension API (issue 23, docs/surveys.md): the
// session token's customer answers about their own order, once, for points. Runs on PGlite and,
// with TEST_DATABASE_URL, on PostgreSQL.

const SHOP = "surveys-shop.myshopify.com";
let app: TestApp;
let shopId = "";
let nextOrder = 93_000;

const survey: Program["surveys"][number] = {
  id: "post-purchase",
  name: "After your order",
  enabled: true,
  nps: { text: "How likely are you to recommend {shop}?", comment: true },
  questions: [
    {
      id: "heard",
      type: "single_choice",
      text: "Where did you hear about us?",
      options: [
        { id: "friend", label: "A friend" },
        { id: "social", label: "Social media" },
      ],
    },
    { id: "delivery", type: "rating", text: "How was delivery?" },
  ],
  points: 50,
  startsAt: null,
  endsAt: null,
  orders: { mode: "all", n: 2 },
};

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  await app.admin("/api/program", SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.earning.order.holdDays = 14;
    program.surveys = [survey];
  });
  await app.prisma.shop.update({
    where: { id: shopId },
    data: { flowTriggersEnabled: Object.values(FLOW_TRIGGERS).map((trigger) => trigger.handle) },
  });
});
afterAll(() => app?.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

async function paidOrder(customerId: number | null) {
  const id = nextOrder++;
  const payload = orderPayload("orders/paid", {
    id,
    customer: customerId ? { id: customerId, email: `s${customerId}@example.com` } : null,
    email: customerId ? undefined : `guest${id}@example.com`,
    lines: [{ price: "30.00" }],
  });
  expect((await app.webhook("orders/paid", SHOP, payload)).status).toBe(200);
  return id;
}
const token = (customerId: number | null) =>
  mintSessionToken({
    shop: SHOP,
    apiKey: TEST_API_KEY,
    apiSecret: TEST_API_SECRET,
    subject: customerId ? `gid://shopify/Customer/${customerId}` : undefined,
  });
const headers = async (customerId: number | null) => ({
  Authorization: `Bearer ${await token(customerId)}`,
  "User-Agent": BROWSER_USER_AGENT,
  "Content-Type": "application/json",
});
const answer = async (customerId: number | null, orderId: number | string, answers: unknown, surveyId = survey.id) =>
  fetch(`${app.url}/api/extension/surveys/${surveyId}/answers`, {
    method: "POST",
    headers: await headers(customerId),
    body: JSON.stringify({ orderId: `gid://shopify/Order/${orderId}`, answers }),
  });
const surveyFor = async (customerId: number | null, orderId: number) =>
  fetch(`${app.url}/api/extension/surveys?orderId=gid://shopify/Order/${orderId}`, {
    headers: await headers(customerId),
  });
const member = (customerId: number) =>
  app.prisma.member.findUniqueOrThrow({
    where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(customerId) } },
  });
const answersOf = (orderId: number) =>
  app.prisma.surveyAnswer.findMany({ where: { shopId, shopifyOrderId: String(orderId) } });

describe("answering a survey about one's own order", () => {
  it("the thank-you page asks the survey; an answer for the token's own order → 201 and points once; again → 200", async () => {
    const orderId = await paidOrder(8001);
    const asked = await surveyFor(8001, orderId);
    expect(asked.status).toBe(200);
    expect(await asked.json()).toMatchObject({
      survey: {
        id: survey.id,
        nps: { text: "How likely are you to recommend {shop}?", comment: true },
        questions: [
          { id: "heard", type: "single_choice", options: [{ id: "friend" }, { id: "social" }] },
          { id: "delivery", type: "rating" },
        ],
        points: 50,
      },
      answer: null,
    });

    const body = { nps: 9, comment: "Lovely <b>service</b>", heard: "friend", delivery: 4 };
    const first = await answer(8001, orderId, body);
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({
      answer: { surveyId: survey.id, orderId: String(orderId), score: 9, points: 50 },
    });
    const again = await answer(8001, orderId, { nps: 2 });
    expect(again.status).toBe(200);
    expect((await again.json()).answer).toMatchObject({ score: 9, points: 50 });

    const [saved] = await answersOf(orderId);
    expect(saved).toMatchObject({
      score: 9,
      comment: "Lovely <b>service</b>",
      answers: { heard: "friend", delivery: 4 },
    });
    const { pending } = await member(8001);
    // 30 points for the order and 50 for the answer, held with the order (14 days).
    expect(Number(pending)).toBe(80);
    expect(await app.prisma.ledgerEntry.count({ where: { shopId, sourceType: "survey" } })).toBe(1);
    expect((await (await surveyFor(8001, orderId)).json()).answer).toEqual({ score: 9, points: 50 });

    await deliverFlowEvents(app.prisma, new Date(Date.now() + 60_000));
    expect(app.double.shop(SHOP).flowEvents.filter((event) => event.handle === "tally-survey-answered")).toEqual([
      {
        handle: "tally-survey-answered",
        payload: expect.objectContaining({
          customer_id: 8001,
          Score: 9,
          Category: "promoter",
          Comment: "Lovely <b>service</b>",
          "Order id": String(orderId),
          Points: 50,
        }),
      },
    ]);
  });

  it("another customer's order → 404, and nothing is written", async () => {
    const orderId = await paidOrder(8002);
    expect((await surveyFor(8003, orderId)).status).toBe(404);
    expect((await answer(8003, orderId, { nps: 10 })).status).toBe(404);
    expect((await answer(null, orderId, { nps: 10 })).status).toBe(404);
    expect(await answersOf(orderId)).toEqual([]);
  });

  it.each([
    ["a score of 11", { nps: 11 }],
    ["no score", { comment: "hi" }],
    ["an unknown option", { nps: 5, heard: "billboard" }],
    ["a 5,000-character comment", { nps: 5, comment: "x".repeat(5000) }],
    ["a rating of 6", { nps: 5, delivery: 6 }],
    ["a question the survey does not ask", { nps: 5, age: 40 }],
  ])("invalid answers (%s) → 422, nothing written", async (_, body) => {
    const orderId = await paidOrder(8004);
    const response = await answer(8004, orderId, body);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: "invalid_answers" });
    expect(await answersOf(orderId)).toEqual([]);
  });

  it("an order not recorded yet → 202; a survey that does not ask → 409; a guest answers a guest order without points", async () => {
    expect((await surveyFor(8005, 99_999_999)).status).toBe(202);
    const orderId = await paidOrder(8005);
    expect((await answer(8005, orderId, { nps: 7 }, "another-survey")).status).toBe(409);

    const guestOrder = await paidOrder(null);
    const guest = await answer(null, guestOrder, { nps: 3, comment: "Slow" });
    expect(guest.status).toBe(201);
    expect((await guest.json()).answer).toMatchObject({ score: 3, points: 0 });
    const [saved] = await answersOf(guestOrder);
    expect(saved).toMatchObject({ memberId: null, score: 3 });
  });

  it("the customer account lists recent orders still to answer", async () => {
    const answered = await paidOrder(8006);
    const open = await paidOrder(8006);
    expect((await answer(8006, answered, { nps: 8 })).status).toBe(201);
    const response = await fetch(`${app.url}/api/extension/surveys`, { headers: await headers(8006) });
    expect(response.status).toBe(200);
    const { pending } = await response.json();
    expect(pending.map((entry: { orderId: string }) => entry.orderId)).toEqual([String(open)]);
    expect(pending[0].survey).toMatchObject({ id: survey.id });
  });

  it("a cancellation within the hold takes the answer's points back", async () => {
    const orderId = await paidOrder(8007);
    expect((await answer(8007, orderId, { nps: 10 })).status).toBe(201);
    const cancelled = orderPayload("orders/cancelled", {
      id: orderId,
      customer: { id: 8007, email: "s8007@example.com" },
      lines: [],
    });
    expect((await app.webhook("orders/cancelled", SHOP, cancelled)).status).toBe(200);
    expect((await app.webhook("orders/cancelled", SHOP, cancelled)).status).toBe(200);
    const { balance, pending } = await member(8007);
    expect(Number(balance) + Number(pending)).toBe(0);
    expect(await app.prisma.ledgerEntry.count({ where: { shopId, sourceType: "survey", kind: "reverse" } })).toBe(1);
  });

  it("customers/redact erases the shopper's comments and written answers; the score stays", async () => {
    const orderId = await paidOrder(8008);
    expect((await answer(8008, orderId, { nps: 6, comment: "Call me on 555-0100", heard: "social" })).status).toBe(201);
    const redact = webhookPayload("customers/redact", {
      shop_domain: SHOP,
      customer: { id: 8008, email: "s8008@example.com", phone: "" },
      orders_to_redact: [orderId],
    });
    expect((await app.webhook("customers/redact", SHOP, redact)).status).toBe(200);
    const [saved] = await answersOf(orderId);
    expect(saved).toMatchObject({ comment: null, answers: {}, score: 6 });
    expect(saved!.redactedAt).not.toBeNull();
  });
});
