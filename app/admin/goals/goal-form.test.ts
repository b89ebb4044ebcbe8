import { describe, expect, it } from "vitest";
import { basisPoints, endAfterDay, lastDay, newGoal, percentOf } from "./goal-form";

describe("the goals form", () => {
  it("turns a typed percentage into basis points and back", () => {
    expect(basisPoints(35.5)).toBe(3550);
    expect(basisPoints(0.014)).toBe(1);
    expect(basisPoints(null)).toBeNaN();
    expect(percentOf(3550)).toBe(35.5);
    expect(percentOf(Number.NaN)).toBeNull();
  });

  it("shows the last day of a goal that ends at the next day's start, and back", () => {
    expect(lastDay("2026-12-21T00:00:00.000Z")).toBe("2026-12-20");
    expect(lastDay("2026-12-21T15:00:00.000Z")).toBe("2026-12-21");
    expect(lastDay("")).toBe("");
    expect(endAfterDay("2026-12-20")).toBe("2026-12-21T00:00:00.000Z");
    expect(endAfterDay("")).toBe("");
  });

  it("adds a 30-day goal from today under the next free id", () => {
    const first = newGoal([], new Date("2026-12-01T15:30:00Z"));
    expect(first).toEqual({
      id: "goal-1",
      metric: "repeat_rate",
      target: 3000,
      startsAt: "2026-12-01T00:00:00.000Z",
      endsAt: "2026-12-31T00:00:00.000Z",
    });
    expect(newGoal([{ ...first, id: "goal-2" }], new Date()).id).toBe("goal-3");
  });
});
