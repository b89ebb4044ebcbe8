import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeFetch } from "./test-support/fake-shopify";
import {
  affordableRewards,
  answerSurvey,
  claimAction,
  fetchMember,
  fetchOrderSurvey,
  fetchPendingSurveys,
  nextReward,
  redeem,
  settleRedemption,
  tierFraction,
  TallyError,
  type Member,
  type Redemption,
  type Reward,
} from "./tally-api";

const token = { get: vi.fn(async () => "tok") };
const reward = (id: string, pointsCost: number, available: boolean, type = "fixed_amount"): Reward => ({
  id,
  name: id,
  type,
  pointsCost,
  available,
});
const member = (balance: number, rewards: Reward[], redemptions: Redemption[] = []): Member => ({
  loggedIn: true,
  points: { balance, pending: 0, expiringNext: null },
  tier: null,
  rewards,
  redemptions,
  program: { enabled: true },
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("what the shopper can afford", () => {
  const rewards = [
    reward("a", 500, false),
    reward("b", 300, true),
    reward("c", 200, true),
    reward("tier-only", 100, false),
    reward("d", 900, false),
  ];

  it("lists the available rewards, cheapest first", () => {
    expect(affordableRewards(member(450, rewards)).map((r) => r.id)).toEqual(["c", "b"]);
  });

  it("names the cheapest reward out of reach for lack of points (not one closed by tier)", () => {
    expect(nextReward(member(450, rewards))).toEqual({ reward: rewards[0], missing: 50 });
    expect(nextReward(member(1000, rewards))).toBeNull();
  });

  it("measures tier progress to the next tier's threshold", () => {
    expect(tierFraction(null)).toBeNull();
    expect(
      tierFraction({
        metric: "points_earned",
        period: "lifetime",
        value: 250,
        next: { id: "g", name: "G", threshold: 1000, remaining: 750 },
      }),
    ).toBe(0.25);
    expect(tierFraction({ metric: "orders_placed", period: "lifetime", value: 12, next: null })).toBe(1);
  });
});

describe("calling Tally", () => {
  it("refuses to call anywhere when the app URL was not baked in", async () => {
    vi.stubEnv("APP_URL", "");
    const { calls, fetch } = fakeFetch(() => [200, {}]);
    vi.stubGlobal("fetch", fetch);
    await expect(fetchMember(token)).rejects.toEqual(new TallyError(0));
    expect(await redeem(token, reward("a", 1, true), "k")).toEqual({ kind: "unknown" });
    expect(calls).toEqual([]);
  });

  it("sends a variable reward at its minimum, and maps every answer of POST /redemptions", async () => {
    vi.stubEnv("APP_URL", "https://tally.test/");
    const answers: [number, unknown][] = [
      [201, { redemption: { id: "r" } }],
      [200, { redemption: { id: "r" } }],
      [409, { error: "insufficient_points", balance: 1, pointsNeeded: 100 }],
      [409, { error: "reward_unavailable" }],
      [422, { error: "invalid_points" }],
      [502, { error: "code_not_created", redemption: { status: "failed" } }],
      [401, { error: "invalid_session_token" }],
      [500, {}],
    ];
    const { calls, fetch } = fakeFetch(() => answers.shift()!);
    vi.stubGlobal("fetch", fetch);
    const kinds = [];
    for (let i = 0; i < 8; i++) kinds.push((await redeem(token, reward("pay", 100, true, "variable"), "key-1")).kind);
    expect(kinds).toEqual([
      "redeemed",
      "redeemed",
      "insufficient_points",
      "unavailable",
      "unavailable",
      "refunded",
      "signed_out",
      "unknown",
    ]);
    expect(calls[0]).toMatchObject({
      url: "https://tally.test/api/extension/redemptions",
      body: { rewardId: "pay", points: 100 },
      headers: { authorization: "Bearer tok", "idempotency-key": "key-1", "content-type": "application/json" },
    });
  });

  it("claims an action by its key, and maps every answer of POST /actions/claim", async () => {
    vi.stubEnv("APP_URL", "https://tally.test/");
    const answers: [number, unknown][] = [
      [201, { action: "instagram", status: "claimed", points: 50, balance: 550 }],
      [200, { action: "instagram", status: "claimed", points: 50, balance: 550 }],
      [404, { error: "unknown_action" }],
      [409, { error: "limit_reached" }],
      [409, { error: "program_disabled" }],
      [401, { error: "invalid_session_token" }],
      [429, { error: "rate_limited" }],
    ];
    const { calls, fetch } = fakeFetch(() => answers.shift()!);
    vi.stubGlobal("fetch", fetch);
    const outcomes = [];
    for (let i = 0; i < 7; i++) outcomes.push(await claimAction(token, "instagram"));
    expect(outcomes).toEqual([
      { kind: "claimed", points: 50, balance: 550 },
      { kind: "claimed", points: 50, balance: 550 },
      { kind: "unavailable" },
      { kind: "limit_reached" },
      { kind: "limit_reached" },
      { kind: "signed_out" },
      { kind: "unknown" },
    ]);
    expect(calls[0]).toMatchObject({
      url: "https://tally.test/api/extension/actions/claim",
      body: { action: "instagram" },
      headers: { authorization: "Bearer tok", "content-type": "application/json" },
    });
  });

  it("answers a survey for an order, and maps every answer of POST /surveys/{id}/answers", async () => {
    vi.stubEnv("APP_URL", "https://tally.test/");
    const recorded = { answer: { surveyId: "nps", orderId: "8101", score: 9, points: 50 } };
    const answers: [number, unknown][] = [
      [201, recorded],
      [200, recorded],
      [201, { answer: { surveyId: "nps", orderId: "8101", score: 9, points: 0 } }],
      [422, { error: "invalid_answers", issues: [] }],
      [409, { error: "survey_closed" }],
      [404, { error: "order_not_found" }],
      [429, { error: "rate_limited" }],
      [500, {}],
    ];
    const { calls, fetch } = fakeFetch(() => answers.shift()!);
    vi.stubGlobal("fetch", fetch);
    const outcomes = [];
    for (let i = 0; i < 8; i++)
      outcomes.push(await answerSurvey(token, "nps", "gid://shopify/Order/8101", { nps: 9, ease: 4 }));
    expect(outcomes).toEqual([
      { kind: "answered", score: 9, points: 50 },
      { kind: "answered", score: 9, points: 50 },
      { kind: "answered", score: 9, points: 0 },
      { kind: "invalid" },
      { kind: "closed" },
      { kind: "closed" },
      { kind: "rate_limited" },
      { kind: "unknown" },
    ]);
    expect(calls[0]).toMatchObject({
      method: "POST",
      url: "https://tally.test/api/extension/surveys/nps/answers",
      body: { orderId: "gid://shopify/Order/8101", answers: { nps: 9, ease: 4 } },
      headers: { authorization: "Bearer tok", "content-type": "application/json" },
    });
    // The network failing is "unknown" too: sending again is safe.
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new Error("offline"))),
    );
    expect(await answerSurvey(token, "nps", "8101", { nps: 1 })).toEqual({ kind: "unknown" });
  });

  it("reads an order's survey (202 is processing, 404 throws) and the pending ones", async () => {
    vi.stubEnv("APP_URL", "https://tally.test");
    const answers: [number, unknown][] = [
      [202, { status: "processing" }],
      [200, { orderId: "8101", survey: null, answer: null }],
      [404, { error: "order_not_found" }],
      [200, { pending: [] }],
      [200, {}],
    ];
    const { calls, fetch } = fakeFetch(() => answers.shift()!);
    vi.stubGlobal("fetch", fetch);
    expect(await fetchOrderSurvey(token, "gid://shopify/Order/8101")).toEqual({ status: "processing" });
    expect(await fetchOrderSurvey(token, "8101")).toEqual({ orderId: "8101", survey: null, answer: null });
    await expect(fetchOrderSurvey(token, "8101")).rejects.toEqual(new TallyError(404));
    expect(await fetchPendingSurveys(token)).toEqual([]);
    expect(await fetchPendingSurveys(token)).toEqual([]);
    expect(calls.map((c) => c.url)).toEqual([
      `https://tally.test/api/extension/surveys?orderId=${encodeURIComponent("gid://shopify/Order/8101")}`,
      "https://tally.test/api/extension/surveys?orderId=8101",
      "https://tally.test/api/extension/surveys?orderId=8101",
      "https://tally.test/api/extension/surveys",
      "https://tally.test/api/extension/surveys",
    ]);
  });

  it("waits for a code Shopify was slow to create, and reads a vanished one as failed (points refunded)", async () => {
    vi.stubEnv("APP_URL", "https://tally.test");
    const pending: Redemption = {
      id: "r1",
      code: "TALLY-X",
      pointsSpent: 100,
      status: "pending",
      expiresAt: "2027-01-01T00:00:00.000Z",
    };
    const states: Redemption[][] = [[pending], [{ ...pending, status: "active" }]];
    vi.stubGlobal("fetch", fakeFetch(() => [200, member(0, [], states.shift() ?? [])]).fetch);
    expect((await settleRedemption(token, pending, [1, 1, 1])).status).toBe("active");

    vi.stubGlobal("fetch", fakeFetch(() => [200, member(100, [])]).fetch);
    expect((await settleRedemption(token, pending, [1])).status).toBe("failed");
  });

  it("says the program is off for shoppers, signed in or not, rather than anything to show", async () => {
    vi.stubEnv("APP_URL", "https://tally.test");
    const answers: [number, unknown][] = [
      [200, { ...member(600, [reward("a", 500, false)]), program: { enabled: false } }],
      [200, { loggedIn: false, program: { enabled: false } }],
      [200, { loggedIn: false, program: { enabled: true } }],
    ];
    vi.stubGlobal("fetch", fakeFetch(() => answers.shift()!).fetch);
    expect(await fetchMember(token)).toBe("off");
    expect(await fetchMember(token)).toBe("off");
    expect(await fetchMember(token)).toBeNull();
  });
});
