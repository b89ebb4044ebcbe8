import { describe, expect, it } from "vitest";
import { chosenForHoldout, holdoutAsSaved, holdoutBucket } from "./holdout";
import { holdoutSchema } from "./program";

const running = holdoutSchema.parse({ enabled: true, percent: 50, days: 30, startedAt: "2026-01-01T00:00:00.000Z" });

describe("the holdout's split", () => {
  it("puts a customer in the same bucket every time, 0 to 99, and about `percent` of customers in the holdout", () => {
    expect(holdoutBucket("shop-1", "42")).toBe(holdoutBucket("shop-1", "42"));
    const buckets = Array.from({ length: 2000 }, (_, index) => holdoutBucket("shop-1", String(index)));
    expect(Math.min(...buckets)).toBe(0);
    expect(Math.max(...buckets)).toBe(99);
    const held = Array.from({ length: 2000 }, (_, index) =>
      chosenForHoldout(running, "shop-1", String(index), new Date("2026-02-01T00:00:00Z")),
    ).filter(Boolean).length;
    expect(held).toBeGreaterThan(900);
    expect(held).toBeLessThan(1100);
  });

  it("chooses nobody while off, or first seen before it started", () => {
    const customers = Array.from({ length: 50 }, (_, index) => String(index));
    const chosen = (holdout: typeof running, at: string) =>
      customers.filter((customer) => chosenForHoldout(holdout, "shop-1", customer, new Date(at)));
    expect(chosen(running, "2026-02-01T00:00:00Z").length).toBeGreaterThan(0);
    expect(chosen({ ...running, enabled: false }, "2026-02-01T00:00:00Z")).toEqual([]);
    expect(chosen(running, "2025-12-31T23:59:59Z")).toEqual([]);
  });
});

describe("the holdout as saved", () => {
  const now = new Date("2026-03-01T12:00:00Z");
  const off = holdoutSchema.parse({});

  it("starts now when turned on, whatever the page sent", () => {
    expect(holdoutAsSaved(off, { ...off, enabled: true, startedAt: "2020-01-01T00:00:00.000Z" }, now).startedAt).toBe(
      now.toISOString(),
    );
    expect(holdoutAsSaved(null, { ...off, enabled: true }, now).startedAt).toBe(now.toISOString());
  });

  it("keeps its start while it runs and once turned off", () => {
    expect(holdoutAsSaved(running, { ...running, percent: 20, startedAt: null }, now).startedAt).toBe(
      running.startedAt,
    );
    expect(holdoutAsSaved(running, { ...running, enabled: false }, now)).toEqual({ ...running, enabled: false });
  });
});
