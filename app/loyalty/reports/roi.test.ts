import { describe, expect, it } from "vitest";
import { assembleBeforeAfter, assembleCohorts, groupFigures, perMonth, roiBounds, roiRangeSchema } from "./roi";

const NOW = new Date("2026-12-01T18:00:00Z");

describe("the ROI range", () => {
  it("defaults to the last 12 months, the current one included", () => {
    expect(roiRangeSchema(NOW).parse({})).toEqual({ from: "2026-01", to: "2026-12" });
  });

  it("refuses a malformed month, an inverted range and one longer than five years", () => {
    const schema = roiRangeSchema(NOW);
    expect(schema.safeParse({ from: "2026-13" }).success).toBe(false);
    expect(schema.safeParse({ from: "2026-1" }).success).toBe(false);
    expect(schema.safeParse({ from: "2026-05", to: "2026-04" }).success).toBe(false);
    expect(schema.safeParse({ from: "2021-12", to: "2026-12" }).success).toBe(false);
    expect(schema.safeParse({ from: "2022-01", to: "2026-12" }).success).toBe(true);
  });

  it("ends at now when the range reaches the current month", () => {
    expect(roiBounds({ from: "2026-11", to: "2026-12" }, NOW)).toEqual({
      start: new Date("2026-11-01T00:00:00Z"),
      end: NOW,
    });
    expect(roiBounds({ from: "2025-01", to: "2025-12" }, NOW).end).toEqual(new Date("2026-01-01T00:00:00Z"));
  });
});

describe("the ROI figures", () => {
  it("puts revenue per average month, with nothing to say before any day was watched", () => {
    expect(perMonth(30000, 365.2425 / 12)).toBe(30000);
    expect(perMonth(15000, 181)).toBe(2522);
    expect(perMonth(100, 0)).toBeNull();
  });

  it("divides a group's counts by its customers, money per currency", () => {
    const figures = groupFigures(
      [{ member: true, customers: 4, orders: 6, repeaters: 1, retentionBase: 2, retained: 1 }],
      [
        { member: true, currencyCode: "USD", customers: 1, orders: 1, minorUnits: 500n },
        { member: true, currencyCode: "EUR", customers: 3, orders: 5, minorUnits: 10001n },
        { member: false, currencyCode: "EUR", customers: 1, orders: 1, minorUnits: 7n },
      ],
      true,
    );
    expect(figures).toEqual({
      customers: 4,
      orders: 6,
      repeatRate: 0.25,
      frequency: 1.5,
      retention90: 0.5,
      retentionBase: 2,
      money: [
        { currencyCode: "EUR", revenue: 10001, aov: 2000, perCustomer: 3334 },
        { currencyCode: "USD", revenue: 500, aov: 500, perCustomer: 500 },
      ],
    });
    expect(groupFigures([], [], false)).toMatchObject({ customers: 0, repeatRate: null, frequency: null, money: [] });
  });

  it("gives each join month its shares, none for months the range has not reached", () => {
    const cohorts = assembleCohorts(
      { from: "2026-01", to: "2026-03" },
      [{ cohort: "2026-01", members: 4 }],
      [{ cohort: "2026-01", offset: 2, members: 1 }],
    );
    expect(cohorts).toEqual([
      { month: "2026-01", members: 4, shares: [0, 0.25] },
      { month: "2026-02", members: 0, shares: [null, null] },
      { month: "2026-03", members: 0, shares: [null, null] },
    ]);
  });

  it("puts the currency with most members first in before and after", () => {
    const rows = [
      { currencyCode: "USD", members: 1, beforeMinor: 0n, afterMinor: 0n, beforeDays: 0, afterDays: 10 },
      { currencyCode: "EUR", members: 2, beforeMinor: 1000n, afterMinor: 2000n, beforeDays: 20, afterDays: 40 },
    ];
    expect(assembleBeforeAfter(rows).map((row) => [row.currencyCode, row.before, row.after])).toEqual([
      ["EUR", 1522, 1522],
      ["USD", null, 0],
    ]);
  });
});
