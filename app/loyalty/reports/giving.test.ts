import { describe, expect, it } from "vitest";
import { assembleGivingReport, givingCsvRecords, monthRange, monthsOf, rangeBounds, type GivingSumRow } from "./giving";

const NOW = new Date("2026-05-20T12:00:00Z");

describe("the report's range of months", () => {
  it("is this calendar year (UTC) unless asked", () => {
    expect(monthRange({}, NOW)).toEqual({ from: "2026-01", to: "2026-12" });
    expect(monthRange({ from: "2025-11" }, NOW)).toEqual({ from: "2025-11", to: "2026-12" });
    // Late on December 31st in New York is already next year in UTC.
    expect(monthRange({}, new Date("2027-01-01T02:00:00Z"))).toEqual({ from: "2027-01", to: "2027-12" });
  });

  it("refuses a malformed month, an end before the start, and more than ten years", () => {
    expect(monthRange({ from: "2026-13" }, NOW)).toBeNull();
    expect(monthRange({ from: "2026-3" }, NOW)).toBeNull();
    expect(monthRange({ from: "2026-05", to: "2026-04" }, NOW)).toBeNull();
    expect(monthRange({ from: "2016-01", to: "2025-12" }, NOW)).toEqual({ from: "2016-01", to: "2025-12" });
    expect(monthRange({ from: "2016-01", to: "2026-01" }, NOW)).toBeNull();
  });

  it("lists its months across a year's end, and its bounds in UTC (the end excluded)", () => {
    const range = { from: "2025-11", to: "2026-02" };
    expect(monthsOf(range)).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(rangeBounds(range)).toEqual({
      start: new Date("2025-11-01T00:00:00Z"),
      end: new Date("2026-03-01T00:00:00Z"),
    });
  });
});

const sum = (row: Partial<GivingSumRow>): GivingSumRow => ({
  causeId: null,
  month: null,
  currencyCode: "USD",
  roundUpMinor: 0n,
  points: 0n,
  pointsValueMinor: 0n,
  donors: 0,
  ...row,
});

describe("the giving report", () => {
  const causes = [
    { id: "trees", name: "Plant trees" },
    { id: "=sea", name: "=Clean seas" },
  ];
  const report = assembleGivingReport({ from: "2026-01", to: "2026-03" }, causes, [
    sum({ causeId: "=sea", month: "2026-02", roundUpMinor: 73n, donors: 1 }),
    sum({ causeId: "trees", month: "2026-02", roundUpMinor: 1200n, currencyCode: "JPY", donors: 1 }),
    sum({ causeId: "trees", month: "2026-02", roundUpMinor: 150n, points: 500n, pointsValueMinor: 500n, donors: 2 }),
    sum({ causeId: "gone", month: "2026-01", pointsValueMinor: 5n, points: 5n, donors: 1 }),
    sum({ causeId: "trees", currencyCode: "USD", roundUpMinor: 150n, points: 500n, pointsValueMinor: 500n, donors: 2 }),
    sum({ causeId: "trees", currencyCode: "JPY", roundUpMinor: 1200n, donors: 1 }),
    sum({ causeId: "=sea", roundUpMinor: 73n, donors: 1 }),
    sum({ causeId: "gone", pointsValueMinor: 5n, points: 5n, donors: 1 }),
    sum({ currencyCode: null, roundUpMinor: 1423n, points: 505n, pointsValueMinor: 505n, donors: 3 }),
  ]);

  it("puts the rows by month, then the program's causes (a removed one last, by its id), then currency", () => {
    expect(report.rows.map((row) => [row.month, row.causeId, row.name, row.currencyCode])).toEqual([
      ["2026-01", "gone", null, "USD"],
      ["2026-02", "trees", "Plant trees", "JPY"],
      ["2026-02", "trees", "Plant trees", "USD"],
      ["2026-02", "=sea", "=Clean seas", "USD"],
    ]);
  });

  it("writes amounts as decimal text of their currency, and what is owed as round-ups plus the points' value", () => {
    expect(report.rows[2]).toMatchObject({
      roundUp: "1.50",
      points: 500,
      pointsValue: "5.00",
      owed: "6.50",
      donors: 2,
    });
    expect(report.rows[1]).toMatchObject({ roundUp: "1200", pointsValue: "0", owed: "1200" });
    expect(report.causes.map((cause) => [cause.causeId, cause.currencyCode, cause.owed])).toEqual([
      ["trees", "JPY", "1200"],
      ["trees", "USD", "6.50"],
      ["=sea", "USD", "0.73"],
      ["gone", "USD", "0.05"],
    ]);
    expect(report.owed).toEqual([
      { currencyCode: "JPY", amount: "1200" },
      { currencyCode: "USD", amount: "7.28" },
    ]);
    expect(report.donors).toBe(3);
    expect(report.points).toBe(505);
    expect(report.months).toEqual(["2026-01", "2026-02", "2026-03"]);
  });

  it("is an empty report without gifts", () => {
    const empty = assembleGivingReport({ from: "2026-01", to: "2026-01" }, causes, [sum({ currencyCode: null })]);
    expect(empty).toMatchObject({ rows: [], causes: [], owed: [], donors: 0, points: 0 });
  });

  it("makes the CSV's records: one per cause, month and currency", () => {
    expect(givingCsvRecords(report)).toEqual([
      [
        "month",
        "cause_id",
        "cause_name",
        "currency",
        "round_up_amount",
        "points_donated",
        "points_value",
        "total_owed",
        "donors",
      ],
      ["2026-01", "gone", "", "USD", "0.00", "5", "0.05", "0.05", "1"],
      ["2026-02", "trees", "Plant trees", "JPY", "1200", "0", "0", "1200", "1"],
      ["2026-02", "trees", "Plant trees", "USD", "1.50", "500", "5.00", "6.50", "2"],
      ["2026-02", "=sea", "=Clean seas", "USD", "0.73", "0", "0.00", "0.73", "1"],
    ]);
  });
});
