import { describe, expect, it } from "vitest";
import { assembleMonths, churnRate, compareSpend, lastMonths, monthKey } from "./membership";

describe("the paid membership's figures", () => {
  it("cover the last 12 months in UTC, the current one last", () => {
    const months = lastMonths(new Date("2026-03-15T23:30:00Z"));
    expect(months).toHaveLength(12);
    expect(monthKey(months[0]!)).toBe("2025-04");
    expect(monthKey(months[11]!)).toBe("2026-03");
    expect(months[11]!.toISOString()).toBe("2026-03-01T00:00:00.000Z");
  });

  it("churn is the month's lapsed members over those paying when it began, and none without members", () => {
    expect(churnRate(1, 4)).toBe(0.25);
    expect(churnRate(0, 0)).toBeNull();
  });

  it("a month without rows counts zero; revenue is per currency in whole units (JPY has no decimals)", () => {
    const months = lastMonths(new Date("2026-03-15T00:00:00Z"), 2);
    const rows = assembleMonths(months, {
      started: [{ month: "2026-03", count: 2 }],
      renewed: [{ month: "2026-02", count: 1 }],
      lapsed: [{ month: "2026-03", count: 1 }],
      activeAtStart: [{ month: "2026-03", count: 4 }],
      revenue: [
        { month: "2026-03", currencyCode: "JPY", minorUnits: 1200n },
        { month: "2026-03", currencyCode: "EUR", minorUnits: 7900n },
      ],
    });
    expect(rows).toEqual([
      { month: "2026-02", started: 0, renewed: 1, lapsed: 0, activeAtStart: 0, churn: null, revenue: [] },
      {
        month: "2026-03",
        started: 2,
        renewed: 0,
        lapsed: 1,
        activeAtStart: 4,
        churn: 0.25,
        revenue: [
          { currencyCode: "EUR", amount: 79 },
          { currencyCode: "JPY", amount: 1200 },
        ],
      },
    ]);
  });

  it("compares members' and others' average order in the currency most orders were paid in", () => {
    expect(compareSpend([])).toBeNull();
    expect(
      compareSpend([
        { paying: true, currencyCode: "EUR", orders: 2, minorUnits: 30000n },
        { paying: false, currencyCode: "EUR", orders: 4, minorUnits: 20000n },
        { paying: false, currencyCode: "USD", orders: 1, minorUnits: 99900n },
      ]),
    ).toEqual({
      currencyCode: "EUR",
      members: { orders: 2, average: 150 },
      others: { orders: 4, average: 50 },
    });
    expect(compareSpend([{ paying: false, currencyCode: "EUR", orders: 1, minorUnits: 1000n }])?.members).toEqual({
      orders: 0,
      average: null,
    });
  });
});
