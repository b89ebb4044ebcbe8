// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { cleanup, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import messages from "../locales/en.default.json";
import japanese from "../locales/ja.json";
import { fakeCustomerAccountShopify, fakeFetch } from "../../shared/test-support/fake-shopify";
import type { Member } from "../../shared/tally-api";
import { LoyaltyPage } from "./LoyaltyPage";

const APP = "https://tally.test";

/** The member API's answer with offers and a surprise (the campaigns contract: shown once, then POST …/seen). */
const member = (overrides: Partial<Member> = {}): Member => ({
  loggedIn: true,
  points: { balance: 380, pending: 0, expiringNext: null },
  tier: null,
  rewards: [{ id: "ten-off", name: "10 off", type: "fixed_amount", pointsCost: 500, available: false }],
  redemptions: [],
  offers: {
    winBack: { multiplier: 2, endsAt: "2026-12-14T12:00:00.000Z" },
    nextReward: { rewardId: "ten-off", name: "10 off", pointsCost: 500, remaining: 120 },
  },
  surprise: {
    id: "s-9",
    campaignName: "Winter thanks",
    message: "Thanks for being here!",
    points: 200,
    rewardName: null,
  },
  program: { enabled: true },
  ...overrides,
});

function setUp(body: Member, locale = "en") {
  const translations = { en: messages, ja: japanese }[locale as "en"];
  vi.stubGlobal("shopify", fakeCustomerAccountShopify(translations, "gid://shopify/Customer/7001", locale));
  const fake = fakeFetch((call) => {
    if (call.url.includes("/activity")) return [200, { entries: [], nextCursor: null }];
    if (call.method === "POST") return [200, { id: "s-9", seen: true }];
    return [200, body];
  });
  vi.stubGlobal("fetch", fake.fetch);
  return fake;
}

beforeEach(() => vi.stubEnv("APP_URL", APP));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("the Rewards page's offers", () => {
  it("shows the win-back offer, the surprise and the next reward, and marks the surprise seen once", async () => {
    const { calls } = setUp(member());
    const { container } = render(<LoyaltyPage />);
    expect(await screen.findByText("2× points on your orders until Dec 14, 2026")).toBeTruthy();
    expect(container.querySelector('s-section[heading="Just for you"]')).not.toBeNull();
    expect(screen.getByText("A surprise for you: 200 points. Thanks for being here!")).toBeTruthy();
    expect(screen.getByText("120 points to 10 off")).toBeTruthy();
    await waitFor(() => expect(calls.filter((c) => c.method === "POST")).toHaveLength(1));
    const seen = calls.find((c) => c.method === "POST")!;
    expect(seen.url).toBe(`${APP}/api/extension/surprises/s-9/seen`);
    expect(seen.headers.authorization).toMatch(/^Bearer /);
  });

  it("a surprise that is a reward, in Japanese", async () => {
    setUp(
      member({
        offers: { winBack: null, nextReward: null },
        surprise: { id: "s-10", campaignName: "冬", message: "ありがとう", points: 0, rewardName: "トートバッグ" },
      }),
      "ja",
    );
    render(<LoyaltyPage />);
    expect(await screen.findByText("サプライズ：トートバッグ。ありがとう")).toBeTruthy();
  });

  it("shows no section when there is no offer, no reward to reach and no surprise (or an older Tally)", async () => {
    const { calls } = setUp(member({ offers: undefined, surprise: undefined }));
    const { container } = render(<LoyaltyPage />);
    expect(await screen.findByText("10 off")).toBeTruthy();
    expect(container.querySelector('s-section[heading="Just for you"]')).toBeNull();
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);
  });
});
