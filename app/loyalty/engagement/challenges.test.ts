import { describe, expect, it } from "vitest";
import { challengeSchema, type Challenge } from "~/loyalty/program/program";
import {
  challengeProgress,
  daysLeft,
  periodEnd,
  periodIndex,
  wholeYearsBetween,
  type MemberFacts,
  type OrderFact,
} from "./challenges";

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
const challenge = (fields: Record<string, unknown>): Challenge =>
  challengeSchema.parse({ id: "c", name: "C", reward: { type: "points", points: 100 }, ...fields });
let orderNumber = 0;
const order = (iso: string, spend = 5000, productIds: string[] = [], collectionIds: string[][] = []): OrderFact => ({
  orderId: `o${++orderNumber}`,
  at: day(iso),
  spendHundredths: spend,
  lines: productIds.map((productId, index) => ({ productId, collectionIds: collectionIds[index] ?? [] })),
});
const facts = (orders: OrderFact[], more: Partial<MemberFacts> = {}): MemberFacts => ({
  orders,
  actions: [],
  referrals: [],
  lifetimePoints: 0,
  memberSince: day("2026-01-01"),
  ...more,
});

describe("challenge progress", () => {
  const twoIn30 = challenge({ goal: { type: "orders", count: 2, withinDays: 30 } });

  it("two orders within 30 days complete it, at the second order", () => {
    const progress = challengeProgress(twoIn30, facts([order("2026-11-01"), order("2026-11-20")]), day("2026-11-21"));
    expect(progress.completions.map((step) => step.at)).toEqual([day("2026-11-20")]);
    expect(progress).toMatchObject({ current: 2, target: 2, unit: "orders" });
  });

  it("one order: 1 of 2, and the days left of its window", () => {
    const now = day("2026-11-19");
    const progress = challengeProgress(twoIn30, facts([order("2026-11-01")]), now);
    expect(progress).toMatchObject({ completions: [], current: 1, target: 2 });
    expect(daysLeft(progress.deadline, now)).toBe(12);
  });

  it("orders further apart than the window do not complete it, whatever order they arrive in", () => {
    const progress = challengeProgress(twoIn30, facts([order("2026-12-15"), order("2026-10-01")]), day("2026-12-16"));
    expect(progress.completions).toEqual([]);
    expect(progress.current).toBe(1);
  });

  it("a repeatable challenge completes once per cycle; the steps of one cycle do not count for the next", () => {
    const repeatable = challenge({ goal: { type: "orders", count: 2, withinDays: null }, repeatable: true });
    const orders = ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"].map((iso) => order(iso));
    const progress = challengeProgress(repeatable, facts(orders), day("2026-06-01"));
    expect(progress.completions.map((step) => step.at)).toEqual([day("2026-02-01"), day("2026-04-01")]);
    expect(progress.current).toBe(1);
  });

  it("spend counts the amount net of refunds, in currency units", () => {
    const spend = challenge({ goal: { type: "spend", amount: 150, withinDays: null } });
    const progress = challengeProgress(spend, facts([order("2026-11-01", 9999)]), day("2026-11-02"));
    expect(progress).toMatchObject({ current: 99.99, target: 150, unit: "spend", completions: [] });
    expect(
      challengeProgress(spend, facts([order("2026-11-01", 9999), order("2026-11-02", 5001)]), day("2026-11-03"))
        .completions,
    ).toHaveLength(1);
  });

  it("products count the lines whose product is in a given collection", () => {
    const fromCollection = challenge({ goal: { type: "products", collectionIds: ["summer"], count: 2 } });
    const progress = challengeProgress(
      fromCollection,
      facts([order("2026-11-01", 100, ["p1", "p2", "p3"], [["summer"], [], ["summer", "sale"]])]),
      day("2026-11-02"),
    );
    expect(progress.current).toBe(2);
    expect(progress.completions).toHaveLength(1);
  });

  it("products count the lines of the given products", () => {
    const products = challenge({ goal: { type: "products", productIds: ["p1", "p2"], count: 2 } });
    expect(
      challengeProgress(products, facts([order("2026-11-01", 100, ["p1", "p9"])]), day("2026-11-02")).current,
    ).toBe(1);
    expect(
      challengeProgress(
        products,
        facts([order("2026-11-01", 100, ["p1", "p9"]), order("2026-11-02", 100, ["p2"])]),
        day("2026-11-03"),
      ).completions,
    ).toHaveLength(1);
  });

  it("actions and referrals count theirs", () => {
    const actions = challenge({ goal: { type: "actions", actionKey: "review", count: 2 } });
    const withActions = facts([], {
      actions: [
        { actionKey: "review", at: day("2026-11-01") },
        { actionKey: "follow", at: day("2026-11-02") },
        { actionKey: "review", at: day("2026-11-03") },
      ],
      referrals: [day("2026-11-01")],
    });
    expect(challengeProgress(actions, withActions, day("2026-11-04")).completions).toHaveLength(1);
    const referrals = challenge({ goal: { type: "referrals", count: 2 } });
    expect(challengeProgress(referrals, withActions, day("2026-11-04"))).toMatchObject({ current: 1, target: 2 });
  });

  it("counts only what happened between the challenge's start and end", () => {
    const dated = challenge({
      goal: { type: "orders", count: 2 },
      startsAt: "2026-11-10T00:00:00Z",
      endsAt: "2026-12-01T00:00:00Z",
    });
    const orders = [order("2026-11-01"), order("2026-11-15"), order("2026-12-05")];
    expect(challengeProgress(dated, facts(orders), day("2026-12-06"))).toMatchObject({ current: 1, completions: [] });
    expect(challengeProgress(dated, facts(orders), day("2026-11-16")).deadline).toEqual(
      new Date("2026-12-01T00:00:00Z"),
    );
  });
});

describe("streaks", () => {
  const months = challenge({ goal: { type: "streak", period: "month", count: 3 } });
  const weeks = challenge({ goal: { type: "streak", period: "week", count: 2 } });

  it("an order in three consecutive months completes a 3-month streak, in the third month", () => {
    const orders = [order("2026-09-30"), order("2026-10-01"), order("2026-10-20"), order("2026-11-02")];
    const progress = challengeProgress(months, facts(orders), day("2026-11-03"));
    expect(progress.completions.map((step) => step.at)).toEqual([day("2026-11-02")]);
  });

  it("a missed month starts the streak again; a streak alive shows when the next order is due", () => {
    const now = day("2026-11-03");
    const progress = challengeProgress(
      months,
      facts([order("2026-07-15"), order("2026-08-15"), order("2026-10-15"), order("2026-11-01")]),
      now,
    );
    expect(progress).toMatchObject({ completions: [], current: 2 });
    // November has its order: the next is due by the end of December.
    expect(progress.deadline).toEqual(new Date("2027-01-01T00:00:00Z"));
    expect(challengeProgress(months, facts([order("2026-08-15")]), now).current).toBe(0);
  });

  it("weeks are ISO weeks, Monday first, in UTC", () => {
    expect(periodIndex(new Date("2026-11-29T23:59:59Z"), "week")).toBe(
      periodIndex(new Date("2026-11-23T00:00:00Z"), "week"),
    );
    expect(periodIndex(new Date("2026-11-30T00:00:00Z"), "week")).toBe(
      periodIndex(new Date("2026-11-29T00:00:00Z"), "week") + 1,
    );
    expect(periodEnd(periodIndex(new Date("2026-11-25T00:00:00Z"), "week"), "week")).toEqual(
      new Date("2026-11-30T00:00:00Z"),
    );
    expect(periodEnd(periodIndex(new Date("2026-12-25T00:00:00Z"), "month"), "month")).toEqual(
      new Date("2027-01-01T00:00:00Z"),
    );
    // Sunday then Monday: two consecutive weeks.
    expect(
      challengeProgress(weeks, facts([order("2026-11-29"), order("2026-11-30")]), day("2026-12-01")).completions,
    ).toHaveLength(1);
    // Monday and Sunday of one week: one week.
    expect(challengeProgress(weeks, facts([order("2026-11-23"), order("2026-11-29")]), day("2026-11-29")).current).toBe(
      1,
    );
  });
});

describe("days and years", () => {
  it("counts a part of a day as a day left, never below zero", () => {
    const now = new Date("2026-11-01T12:00:00Z");
    expect(daysLeft(new Date("2026-11-02T13:00:00Z"), now)).toBe(2);
    expect(daysLeft(new Date("2026-10-01T00:00:00Z"), now)).toBe(0);
    expect(daysLeft(null, now)).toBeNull();
  });
  it("counts whole years a member", () => {
    expect(wholeYearsBetween(new Date("2024-03-01T00:00:00Z"), new Date("2026-02-28T00:00:00Z"))).toBe(1);
    expect(wholeYearsBetween(new Date("2024-03-01T00:00:00Z"), new Date("2026-03-01T00:00:00Z"))).toBe(2);
  });
});
