import { describe, expect, it } from "vitest";
import type { Goal } from "~/loyalty/program/program";
import { elapsedShare, goalProgress, goalWindow, memberRevenueShare, redemptionRate, repeatRate } from "./goals";
import { insights, roundRewardSize, suggestedRewardSize, type MemberSums } from "./insights";

const goal = (change: Partial<Goal> = {}): Goal => ({
  id: "repeat",
  metric: "repeat_rate",
  target: 4000,
  startsAt: "2026-01-01T00:00:00.000Z",
  endsAt: "2026-01-11T00:00:00.000Z",
  ...change,
});
const at = (iso: string) => new Date(iso);

describe("a goal's window", () => {
  it("runs from its start to its end, or to now while it runs, and is empty before it starts", () => {
    expect(goalWindow(goal(), at("2026-01-05T00:00:00Z"))).toEqual({
      start: at("2026-01-01T00:00:00Z"),
      end: at("2026-01-05T00:00:00Z"),
    });
    expect(goalWindow(goal(), at("2026-03-01T00:00:00Z")).end).toEqual(at("2026-01-11T00:00:00Z"));
    const before = goalWindow(goal(), at("2025-12-01T00:00:00Z"));
    expect(before.end).toEqual(before.start);
  });
});

describe("the metrics", () => {
  it("repeat rate: members with two orders or more among members with one", () => {
    expect(repeatRate({ buyers: 4, repeaters: 1, money: [] })).toBe(0.25);
    expect(repeatRate({ buyers: 0, repeaters: 0, money: [] })).toBeNull();
  });

  it("member revenue share: in the shop's currency only", () => {
    const money = [
      { currencyCode: "EUR", memberMinor: 3000n, allMinor: 12000n },
      { currencyCode: "USD", memberMinor: 9000n, allMinor: 9000n },
    ];
    expect(memberRevenueShare({ buyers: 0, repeaters: 0, money }, "EUR")).toBe(0.25);
    expect(memberRevenueShare({ buyers: 0, repeaters: 0, money }, "GBP")).toBeNull();
  });

  it("redemption rate: net redeemed ÷ issued, by the accounting roll-forward's lines", () => {
    const sums = [
      { kind: "earn", sourceType: "order", rewardType: null, points: 800 },
      { kind: "bonus", sourceType: "tier", rewardType: null, points: 200 },
      { kind: "redeem", sourceType: "redemption", rewardType: null, points: -500 },
      // A failed code's points given back: not redeemed.
      { kind: "reverse", sourceType: "redemption", rewardType: null, points: 100 },
      // Neither issued nor redeemed.
      { kind: "adjust", sourceType: null, rewardType: null, points: 1000 },
      { kind: "reverse", sourceType: "refund", rewardType: null, points: -50 },
      { kind: "expire", sourceType: null, rewardType: null, points: -70 },
    ];
    expect(redemptionRate(sums)).toBe(0.4);
    expect(redemptionRate([])).toBeNull();
  });
});

describe("a goal's progress and status", () => {
  it("is on track while progress keeps pace with the time elapsed, behind otherwise", () => {
    const now = at("2026-01-05T00:00:00Z"); // 4 of 10 days
    expect(elapsedShare(goal(), now)).toBe(0.4);
    expect(goalProgress(goal(), 0.2, now)).toEqual({
      goal: goal(),
      value: 0.2,
      progress: 0.5,
      elapsed: 0.4,
      status: "on_track",
    });
    expect(goalProgress(goal(), 0.1, now).status).toBe("behind");
    expect(goalProgress(goal(), null, now)).toMatchObject({ progress: null, status: "behind" });
  });

  it("is reached once the value meets the target, missed when the goal ended short, scheduled before it starts", () => {
    expect(goalProgress(goal(), 0.4, at("2026-01-02T00:00:00Z")).status).toBe("reached");
    expect(goalProgress(goal({ target: 3500 }), 7 / 20, at("2026-01-02T00:00:00Z")).status).toBe("reached");
    expect(goalProgress(goal(), 0.41, at("2026-02-01T00:00:00Z")).status).toBe("reached");
    expect(goalProgress(goal(), 0.39, at("2026-02-01T00:00:00Z")).status).toBe("missed");
    expect(goalProgress(goal(), null, at("2025-12-01T00:00:00Z"))).toMatchObject({ elapsed: 0, status: "scheduled" });
  });
});

describe("insights", () => {
  const sums: MemberSums = { members: 10, medianBalance: 210, membersWithPoints: 8, neverRedeemed: 6 };

  it("round reward sizes keep one leading digit", () => {
    expect([5, 10, 95, 210, 480, 1450, 12_345].map(roundRewardSize)).toEqual([null, 10, 90, 200, 400, 1000, 10_000]);
  });

  it("suggest a reachable reward only when the cheapest one costs more than the median member holds", () => {
    expect(suggestedRewardSize(sums, 500)).toBe(200);
    expect(suggestedRewardSize(sums, 200)).toBeNull();
    expect(suggestedRewardSize(sums, null)).toBeNull();
    expect(suggestedRewardSize({ ...sums, members: 4 }, 500)).toBeNull();
    expect(suggestedRewardSize({ ...sums, medianBalance: 7 }, 500)).toBeNull();
  });

  it("state the numbers, each only when the data supports it", () => {
    expect(insights({ sums, cheapestPoints: 500, reachableMembers: 6, expiring: { points: 340, members: 2 } })).toEqual(
      [
        {
          kind: "reachable_reward",
          cheapestPoints: 500,
          medianBalance: 210,
          suggestedPoints: 200,
          reachableShare: 0.6,
        },
        { kind: "never_redeemed", members: 6, share: 0.75 },
        { kind: "expiring_points", points: 340, members: 2, days: 30 },
      ],
    );
    expect(
      insights({
        sums: { ...sums, neverRedeemed: 1 },
        cheapestPoints: 100,
        reachableMembers: null,
        expiring: { points: 0, members: 0 },
      }),
    ).toEqual([]);
  });
});
