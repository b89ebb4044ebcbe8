// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import messages from "../locales/en.default.json";
import french from "../locales/fr.json";
import {
  fakeCheckoutShopify,
  fakeFetch,
  fakeOrderStatusShopify,
  type FakeCall,
} from "../../shared/test-support/fake-shopify";
import type { Survey } from "../../shared/tally-api";
import { ThankYouSurvey } from "./ThankYouSurvey";
import { OrderStatusSurvey } from "./OrderStatusSurvey";

const APP = "https://tally.test";
const ORDER = "gid://shopify/Order/8101";

/** The NPS question as the shopper reads it: "{shop}" is the shop's name, as checkout knows it. */
const NPS_LABEL = "How likely are you to recommend Tea Shop to a friend?";

/** The survey as Tally's `GET /api/extension/surveys?orderId=…` gives it (docs/surveys.md). */
const SURVEY: Survey = {
  id: "post-purchase",
  name: "After your order",
  nps: { text: "How likely are you to recommend {shop} to a friend?", comment: true },
  questions: [
    {
      id: "heard",
      type: "single_choice",
      text: "Where did you hear about us?",
      options: [
        { id: "friend", label: "A friend" },
        { id: "instagram", label: "Instagram" },
      ],
    },
    {
      id: "liked",
      type: "multiple_choice",
      text: "What did you like?",
      options: [
        { id: "price", label: "The price" },
        { id: "delivery", label: "Delivery" },
      ],
    },
    { id: "ease", type: "rating", text: "How easy was checkout?" },
    { id: "wish", type: "text", text: "What should we sell next?" },
  ],
  points: 50,
};

type Handler = (call: FakeCall) => [number, unknown] | Promise<[number, unknown]>;

/** Tally's answers: the order's survey, and 201 with the points for the first answer. */
const tally =
  (survey: Survey | null = SURVEY, answer: { score: number; points: number } | null = null): Handler =>
  (call) =>
    call.method === "POST"
      ? [
          201,
          {
            answer: {
              surveyId: survey?.id,
              orderId: "8101",
              score: (call.body as { answers: { nps: number } }).answers.nps,
              points: 50,
            },
          },
        ]
      : [200, { orderId: "8101", survey, answer }];

function setUp(handler: Handler, options: { customerId?: string | null; locale?: string } = {}) {
  const translations = options.locale === "fr" ? french : messages;
  vi.stubGlobal("shopify", fakeCheckoutShopify(translations, { orderId: ORDER, ...options }));
  const fake = fakeFetch(handler);
  vi.stubGlobal("fetch", fake.fetch);
  return fake;
}

/** Picks values in an `s-choice-list` as the host does: the element's `values`, then `change`. */
function choose(label: string, values: string[]) {
  const list = document.querySelector(`s-choice-list[label="${label}"]`) as HTMLElement & { values?: string[] };
  expect(list, `no choice list "${label}"`).toBeTruthy();
  list.values = values;
  fireEvent.change(list);
}

function type(selector: string, value: string) {
  const field = document.querySelector(selector) as HTMLElement & { value?: string };
  expect(field, `no field ${selector}`).toBeTruthy();
  field.value = value;
  fireEvent.input(field);
}

const button = () => document.querySelector("s-button")!;
const posts = (calls: FakeCall[]) => calls.filter((c) => c.method === "POST");

beforeEach(() => vi.stubEnv("APP_URL", APP));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("the survey on the thank-you page", () => {
  it("asks the survey for the order just placed, with the session token, and offers a member its points", async () => {
    const { calls } = setUp(tally());
    render(<ThankYouSurvey />);
    expect(await screen.findByText("Answer and earn 50 points")).toBeTruthy();
    expect(calls).toEqual([
      expect.objectContaining({
        method: "GET",
        url: `${APP}/api/extension/surveys?orderId=${encodeURIComponent(ORDER)}`,
        headers: { authorization: "Bearer header.payload.signature" },
      }),
    ]);
    expect(document.querySelector('s-section[heading="Tell us what you think"]')).toBeTruthy();
    // The NPS from 0 to 10, the comment, and each question in its own field.
    const nps = document.querySelector(`s-choice-list[label="${NPS_LABEL}"]`)!;
    expect([...nps.querySelectorAll("s-choice")].map((c) => c.getAttribute("value"))).toEqual(
      Array.from({ length: 11 }, (_, n) => String(n)),
    );
    expect(
      document.querySelector('s-text-area[label="What\'s the main reason for your score? (optional)"]'),
    ).toBeTruthy();
    expect(screen.getByText("A friend")).toBeTruthy();
    expect(document.querySelector('s-choice-list[label="What did you like?"]')!.hasAttribute("multiple")).toBe(true);
    const rating = document.querySelector('s-choice-list[label="How easy was checkout?"]')!;
    expect([...rating.querySelectorAll("s-choice")].map((c) => c.textContent)).toEqual(["1", "2", "3", "4", "5"]);
    expect(document.querySelector('s-text-field[label="What should we sell next?"]')).toBeTruthy();
  });

  it("sends every answer once and thanks the member with the points earned", async () => {
    const { calls } = setUp(tally());
    render(<ThankYouSurvey />);
    await screen.findByText("Answer and earn 50 points");
    choose(NPS_LABEL, ["9"]);
    type("s-text-area", "  Lovely tea  ");
    choose("Where did you hear about us?", ["instagram"]);
    choose("What did you like?", ["price", "delivery"]);
    choose("How easy was checkout?", ["4"]);
    type('s-text-field[label="What should we sell next?"]', "Matcha");
    fireEvent.click(button());
    expect(await screen.findByText("Thank you! You earned 50 points for your answer.")).toBeTruthy();
    expect(posts(calls)).toEqual([
      expect.objectContaining({
        url: `${APP}/api/extension/surveys/post-purchase/answers`,
        headers: { authorization: "Bearer header.payload.signature", "content-type": "application/json" },
        body: {
          orderId: ORDER,
          answers: {
            nps: 9,
            comment: "Lovely tea",
            heard: "instagram",
            liked: ["price", "delivery"],
            ease: 4,
            wish: "Matcha",
          },
        },
      }),
    ]);
    // The form is gone: nothing to send twice.
    expect(document.querySelector("s-button")).toBeNull();
  });

  it("sends only what the shopper answered: the score alone is enough", async () => {
    const { calls } = setUp(tally());
    render(<ThankYouSurvey />);
    await screen.findByText("Answer and earn 50 points");
    choose(NPS_LABEL, ["0"]);
    fireEvent.click(button());
    await screen.findByText("Thank you! You earned 50 points for your answer.");
    expect(posts(calls)[0]!.body).toEqual({ orderId: ORDER, answers: { nps: 0 } });
  });

  it("asks for the score before sending anything", async () => {
    const { calls } = setUp(tally());
    render(<ThankYouSurvey />);
    await screen.findByText("Answer and earn 50 points");
    fireEvent.click(button());
    await waitFor(() =>
      expect(document.querySelector("s-choice-list")!.getAttribute("error")).toBe("Choose a score from 0 to 10."),
    );
    expect(posts(calls)).toEqual([]);
  });

  it("refuses a comment over 1,000 characters and a text answer over 500 before sending", async () => {
    const { calls } = setUp(tally());
    render(<ThankYouSurvey />);
    await screen.findByText("Answer and earn 50 points");
    choose(NPS_LABEL, ["7"]);
    type("s-text-area", "x".repeat(1001));
    type('s-text-field[label="What should we sell next?"]', "y".repeat(501));
    fireEvent.click(button());
    await waitFor(() =>
      expect(document.querySelector("s-text-area")!.getAttribute("error")).toBe("Use 1,000 characters or fewer."),
    );
    expect(document.querySelector("s-text-field")!.getAttribute("error")).toBe("Use 500 characters or fewer.");
    expect(posts(calls)).toEqual([]);

    // Shortened, it goes.
    type("s-text-area", "x".repeat(1000));
    type('s-text-field[label="What should we sell next?"]', "y".repeat(500));
    fireEvent.click(button());
    await screen.findByText("Thank you! You earned 50 points for your answer.");
    expect(posts(calls)).toHaveLength(1);
  });

  it("waits for Tally to record the order (202), asking again a few times", async () => {
    let asked = 0;
    const { calls } = setUp((call) =>
      call.method === "GET" && ++asked < 3 ? [202, { status: "processing" }] : tally()(call),
    );
    render(<ThankYouSurvey retryDelays={[5, 5, 5]} />);
    expect(await screen.findByText("Answer and earn 50 points")).toBeTruthy();
    expect(calls.filter((c) => c.url.includes("/surveys?"))).toHaveLength(3);
  });

  it("gives up quietly when Tally still has not recorded the order", async () => {
    const { calls } = setUp(() => [202, { status: "processing" }]);
    const { container } = render(<ThankYouSurvey retryDelays={[5, 5]} />);
    await waitFor(() => expect(calls).toHaveLength(3));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(container.textContent).toBe("");
  });

  it("shows nothing when no survey asks about the order, when it is answered, or it is not the shopper's", async () => {
    for (const handler of [
      tally(null),
      tally(SURVEY, { score: 9, points: 50 }),
      (() => [404, { error: "order_not_found" }]) as Handler,
    ]) {
      setUp(handler);
      const { container, unmount } = render(<ThankYouSurvey retryDelays={[]} />);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(container.textContent).toBe("");
      unmount();
    }
  });

  it("lets a guest answer without points and invites them to join", async () => {
    const { calls } = setUp(
      (call) =>
        call.method === "POST"
          ? [201, { answer: { surveyId: SURVEY.id, orderId: "8101", score: 10, points: 0 } }]
          : tally()(call),
      { customerId: null },
    );
    render(<ThankYouSurvey />);
    expect(await screen.findByText("Answer")).toBeTruthy();
    expect(screen.getByText("Join our rewards program to earn 50 points for answers like this one.")).toBeTruthy();
    choose(NPS_LABEL, ["10"]);
    fireEvent.click(button());
    expect(await screen.findByText("Thank you for your answer!")).toBeTruthy();
    expect(posts(calls)).toHaveLength(1);
  });

  it("keeps the answers after a network failure and sends them again: Tally counts an order's answer once", async () => {
    let tries = 0;
    const { calls } = setUp((call) => {
      if (call.method === "POST" && ++tries === 1) throw new Error("offline");
      // The retry finds the answer recorded the first time: 200, same answer.
      if (call.method === "POST")
        return [200, { answer: { surveyId: SURVEY.id, orderId: "8101", score: 8, points: 50 } }];
      return tally()(call);
    });
    render(<ThankYouSurvey />);
    await screen.findByText("Answer and earn 50 points");
    choose(NPS_LABEL, ["8"]);
    fireEvent.click(button());
    expect(await screen.findByText("Your answer couldn't be sent. Try again: it counts only once.")).toBeTruthy();
    fireEvent.click(button());
    expect(await screen.findByText("Thank you! You earned 50 points for your answer.")).toBeTruthy();
    expect(posts(calls).map((c) => c.body)).toEqual([
      { orderId: ORDER, answers: { nps: 8 } },
      { orderId: ORDER, answers: { nps: 8 } },
    ]);
  });

  it("says when the survey closed, when Tally refuses the answers, or when the shopper tries too often", async () => {
    const cases: [[number, unknown], string][] = [
      [[409, { error: "survey_closed" }], "This survey no longer takes answers."],
      [[422, { error: "invalid_answers", issues: [] }], "Some answers couldn't be saved. Check them and try again."],
      [[429, { error: "rate_limited", retryAfterSeconds: 30 }], "Too many tries. Try again in a minute."],
    ];
    for (const [answer, text] of cases) {
      setUp((call) => (call.method === "POST" ? answer : tally()(call)));
      const { unmount } = render(<ThankYouSurvey />);
      await screen.findByText("Answer and earn 50 points");
      choose(NPS_LABEL, ["5"]);
      fireEvent.click(button());
      expect(await screen.findByText(text)).toBeTruthy();
      unmount();
    }
  });

  it("speaks the shopper's language: French", async () => {
    setUp(tally(), { locale: "fr" });
    render(<ThankYouSurvey />);
    expect(await screen.findByText("Répondre et gagner 50 points")).toBeTruthy();
    fireEvent.click(button());
    await waitFor(() =>
      expect(document.querySelector("s-choice-list")!.getAttribute("error")).toBe("Choisissez une note de 0 à 10."),
    );
  });
});

describe("the survey on the order status page", () => {
  it("asks about the order shown and sends the answer for it", async () => {
    vi.stubGlobal("shopify", fakeOrderStatusShopify(messages, { orderId: "gid://shopify/Order/8102" }));
    const { calls, fetch } = fakeFetch(tally());
    vi.stubGlobal("fetch", fetch);
    render(<OrderStatusSurvey />);
    await screen.findByText("Answer and earn 50 points");
    expect(calls[0]!.url).toBe(
      `${APP}/api/extension/surveys?orderId=${encodeURIComponent("gid://shopify/Order/8102")}`,
    );
    choose(NPS_LABEL, ["6"]);
    fireEvent.click(button());
    await screen.findByText("Thank you! You earned 50 points for your answer.");
    expect(posts(calls)[0]!.body).toEqual({ orderId: "gid://shopify/Order/8102", answers: { nps: 6 } });
  });

  it("shows nothing for an order already answered", async () => {
    vi.stubGlobal("shopify", fakeOrderStatusShopify(messages, { orderId: "gid://shopify/Order/8102" }));
    vi.stubGlobal("fetch", fakeFetch(tally(SURVEY, { score: 3, points: 50 })).fetch);
    const { container } = render(<OrderStatusSurvey retryDelays={[]} />);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(container.textContent).toBe("");
  });
});
