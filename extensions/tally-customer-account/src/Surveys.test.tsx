// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import messages from "../locales/en.default.json";
import japanese from "../locales/ja.json";
import { fakeCustomerAccountShopify, fakeFetch, type FakeCall } from "../../shared/test-support/fake-shopify";
import type { Member, PendingSurvey, Survey } from "../../shared/tally-api";
import { LoyaltyPage } from "./LoyaltyPage";

const APP = "https://tally.test";

const SURVEY: Survey = {
  id: "post-purchase",
  name: "After your order",
  nps: { text: "How likely are you to recommend Tea Shop to a friend?", comment: false },
  questions: [{ id: "ease", type: "rating", text: "How easy was checkout?" }],
  points: 50,
};
const PENDING: PendingSurvey[] = [
  { orderId: "gid://shopify/Order/8101", orderName: "#1001", placedAt: "2026-11-28T10:00:00.000Z", survey: SURVEY },
  { orderId: "gid://shopify/Order/8102", orderName: "#1002", placedAt: "2026-11-30T10:00:00.000Z", survey: SURVEY },
];

const member = (balance: number): Member => ({
  loggedIn: true,
  points: { balance, pending: 0, expiringNext: null },
  tier: null,
  rewards: [],
  redemptions: [],
  program: { enabled: true },
});

/** Tally's answers: the member (380 points, 50 more after an answer), `surveys` says `pending` (or `answer`). */
function setUp(pending: PendingSurvey[], locale = "en", answer: [number, unknown] = [200, { pending }]) {
  const translations = { en: messages, ja: japanese }[locale as "en"];
  vi.stubGlobal("shopify", fakeCustomerAccountShopify(translations, "gid://shopify/Customer/7001", locale));
  let balance = 380;
  const fake = fakeFetch((call: FakeCall) => {
    if (call.url.includes("/activity")) return [200, { entries: [], nextCursor: null }];
    if (call.method === "POST") {
      balance += 50;
      return [201, { answer: { surveyId: SURVEY.id, orderId: "8101", score: 9, points: 50 } }];
    }
    if (call.url.endsWith("/api/extension/surveys")) return answer;
    return [200, member(balance)];
  });
  vi.stubGlobal("fetch", fake.fetch);
  return fake;
}

const HEADING = "Tell us about your recent orders";

beforeEach(() => vi.stubEnv("APP_URL", APP));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("the Rewards page's recent orders to tell us about", () => {
  it("lists the orders a survey asks about, each with its form, asked with the session token", async () => {
    const { calls } = setUp(PENDING);
    const { container } = render(<LoyaltyPage />);
    expect(await screen.findByText("Order #1001 · Nov 28, 2026")).toBeTruthy();
    expect(screen.getByText("Order #1002 · Nov 30, 2026")).toBeTruthy();
    const section = container.querySelector(`s-section[heading="${HEADING}"]`)!;
    expect(section.querySelectorAll(`s-choice-list[label="${SURVEY.nps.text}"]`)).toHaveLength(2);
    expect(section.querySelectorAll("s-text-area")).toHaveLength(0); // this survey asks for no comment
    expect(calls.find((c) => c.url === `${APP}/api/extension/surveys`)).toMatchObject({
      method: "GET",
      headers: { authorization: "Bearer header.payload.signature" },
    });
  });

  it("answers one order inline: its answers for its order, thanks with the points, the balance reloaded", async () => {
    const { calls } = setUp(PENDING);
    const { container } = render(<LoyaltyPage />);
    await screen.findByText("Order #1001 · Nov 28, 2026");
    expect(screen.getByText("380 points")).toBeTruthy();
    const [first] = container.querySelectorAll(`s-section[heading="${HEADING}"] > s-stack > s-stack`);
    const nps = first!.querySelector("s-choice-list") as HTMLElement & { values?: string[] };
    nps.values = ["9"];
    fireEvent.change(nps);
    const rating = first!.querySelector('s-choice-list[label="How easy was checkout?"]') as HTMLElement & {
      values?: string[];
    };
    rating.values = ["5"];
    fireEvent.change(rating);
    fireEvent.click(first!.querySelector("s-button")!);
    expect(await screen.findByText("Thank you! You earned 50 points for your answer.")).toBeTruthy();
    expect(calls.filter((c) => c.method === "POST")).toEqual([
      expect.objectContaining({
        url: `${APP}/api/extension/surveys/post-purchase/answers`,
        body: { orderId: "gid://shopify/Order/8101", answers: { nps: 9, ease: 5 } },
      }),
    ]);
    expect(await screen.findByText("430 points")).toBeTruthy();
    // The other order still asks.
    expect(screen.getAllByText("Answer and earn 50 points")).toHaveLength(1);
  });

  it("asks for the score before sending", async () => {
    const { calls } = setUp(PENDING.slice(0, 1));
    const { container } = render(<LoyaltyPage />);
    await screen.findByText("Order #1001 · Nov 28, 2026");
    fireEvent.click(container.querySelector(`s-section[heading="${HEADING}"] s-button`)!);
    await waitFor(() =>
      expect(container.querySelector(`s-choice-list[label="${SURVEY.nps.text}"]`)!.getAttribute("error")).toBe(
        "Choose a score from 0 to 10.",
      ),
    );
    expect(calls.filter((c) => c.method === "POST")).toEqual([]);
  });

  it("shows no section when nothing is pending, or when Tally cannot say", async () => {
    for (const answer of [
      [200, { pending: [] }],
      [500, { error: "internal" }],
    ] as [number, unknown][]) {
      setUp([], "en", answer);
      const { container, unmount } = render(<LoyaltyPage />);
      await screen.findByText("380 points");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(container.querySelector(`s-section[heading="${HEADING}"]`)).toBeNull();
      unmount();
    }
  });

  it("speaks the shopper's language: Japanese", async () => {
    setUp(PENDING.slice(0, 1), "ja");
    const { container } = render(<LoyaltyPage />);
    expect(await screen.findByText("回答して50ポイントを獲得")).toBeTruthy();
    expect(container.querySelector('s-section[heading="最近のご注文についてお聞かせください"]')).toBeTruthy();
    expect(screen.getByText("ご注文 #1001 · 2026/11/28")).toBeTruthy();
  });
});
