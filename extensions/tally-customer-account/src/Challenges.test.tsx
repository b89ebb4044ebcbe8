// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import messages from "../locales/en.default.json";
import { fakeCustomerAccountShopify, fakeFetch } from "../../shared/test-support/fake-shopify";
import type { Leaderboard, Member } from "../../shared/tally-api";
import { LoyaltyPage } from "./LoyaltyPage";

const APP = "https://tally.test";

const member = (leaderboard: Leaderboard | null, overrides: Partial<Member> = {}): Member => ({
  loggedIn: true,
  points: { balance: 120, pending: 0, expiringNext: null },
  tier: null,
  tierProgress: null,
  rewards: [],
  redemptions: [],
  program: { enabled: true },
  challenges: [
    {
      id: "come-back",
      name: "Come back soon",
      description: "Order twice within 30 days",
      badge: "comeback",
      progress: { current: 1, target: 2, unit: "orders" },
      endsAt: "2026-12-13T00:00:00.000Z",
      daysLeft: 12,
      completed: false,
      reward: { type: "points", points: 100 },
    },
  ],
  badges: {
    earned: [{ id: "milestone:first", name: "First order", icon: "star", earnedAt: "2026-11-20T00:00:00.000Z" }],
    next: [{ id: "milestone:regular", name: "Regular", icon: "crown", current: 1, target: 5 }],
  },
  leaderboard,
  ...overrides,
});
const board = (optedIn: boolean): Leaderboard => ({
  optedIn,
  nickname: optedIn ? "Ava <b>" : null,
  month: "2026-12",
  top: [
    { rank: 1, name: "<script>x</script>", points: 300, you: false },
    ...(optedIn ? [{ rank: 2, name: "Ava <b>", points: 120, you: true }] : []),
  ],
  you: optedIn ? { rank: 2, points: 120 } : null,
});

function setUp(handler: Parameters<typeof fakeFetch>[0]) {
  vi.stubGlobal("shopify", fakeCustomerAccountShopify(messages, "gid://shopify/Customer/7001", "en"));
  const fake = fakeFetch(handler);
  vi.stubGlobal("fetch", fake.fetch);
  return fake;
}

beforeEach(() => vi.stubEnv("APP_URL", APP));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("challenges, badges and the leaderboard on the Rewards page", () => {
  it("shows a challenge's progress bar with the days left, badges earned and next", async () => {
    setUp((call) => (call.url.includes("/activity") ? [200, { entries: [], nextCursor: null }] : [200, member(null)]));
    const { container } = render(<LoyaltyPage />);
    expect(await screen.findByText("Come back soon")).toBeTruthy();
    expect(screen.getByText("1 of 2 orders — 12 days left · +100 points")).toBeTruthy();
    const bar = container.querySelector('s-progress[accessibilitylabel="Come back soon"]')!;
    expect(bar.getAttribute("value")).toBe("0.5");
    expect(screen.getByText("First order")).toBeTruthy();
    expect(screen.getByText("1 of 5")).toBeTruthy();
    expect(container.querySelector('s-section[heading="This month\\\'s leaderboard"]')).toBeNull();
  });

  it("joins the leaderboard under a nickname, then shows the rank; names are text, never markup", async () => {
    let joined = false;
    const { calls } = setUp((call) => {
      if (call.url.includes("/activity")) return [200, { entries: [], nextCursor: null }];
      if (call.method === "POST") return ((joined = true), [200, { optedIn: true, nickname: "Ava <b>" }]);
      return [200, member(board(joined))];
    });
    const { container } = render(<LoyaltyPage />);
    const field = (await screen.findByText("Join the leaderboard")).previousElementSibling as HTMLInputElement;
    field.value = "Ava <b>";
    fireEvent.input(field);
    fireEvent.click(screen.getByText("Join the leaderboard"));
    expect(await screen.findByText("Your rank: #2 with 120 points")).toBeTruthy();
    expect(calls.find((c) => c.method === "POST")).toMatchObject({
      url: `${APP}/api/extension/leaderboard`,
      body: { optIn: true, nickname: "Ava <b>" },
    });
    expect(screen.getByText("#2 Ava <b> (you)")).toBeTruthy();
    expect(screen.getByText("#1 <script>x</script>")).toBeTruthy();
    expect(container.querySelector("script, b")).toBeNull();
    expect(screen.getByText("Leave the leaderboard")).toBeTruthy();
  });

  it("says why a nickname was refused, in the shopper's language as Tally words it", async () => {
    setUp((call) => {
      if (call.url.includes("/activity")) return [200, { entries: [], nextCursor: null }];
      if (call.method === "POST")
        return [422, { error: "invalid_nickname", message: "Choose a nickname of 2 to 20 letters or digits." }];
      return [200, member(board(false))];
    });
    render(<LoyaltyPage />);
    fireEvent.click(await screen.findByText("Join the leaderboard"));
    expect(await screen.findByText("Choose a nickname of 2 to 20 letters or digits.")).toBeTruthy();
  });

  it("shows none of it when the program has no challenges, badges or leaderboard", async () => {
    setUp((call) =>
      call.url.includes("/activity")
        ? [200, { entries: [], nextCursor: null }]
        : [200, member(null, { challenges: [], badges: { earned: [], next: [] } })],
    );
    render(<LoyaltyPage />);
    expect(await screen.findByText("120 points")).toBeTruthy();
    expect(screen.queryByText("Challenges")).toBeNull();
    expect(screen.queryByText("Badges")).toBeNull();
  });
});
