import { describe, expect, it } from "vitest";
import type { AccountingStatement } from "./accounting-statement";
import { breakageCohort, breakageCsvRecords, breakageRate, breakageReport, pointsNetOfBreakage } from "./breakage";

const january = { month: "2026-01", issued: 1000, expired: 700, outstanding: 0 };
const february = { month: "2026-02", issued: 500, expired: 0, outstanding: 200 };
const march = { month: "2026-03", issued: 3000, expired: 600, outstanding: 0 };

const statementClosing = (closing: number, basis: AccountingStatement["basis"]): AccountingStatement => ({
  range: { from: "2026-02", to: "2026-03" },
  months: ["2026-02", "2026-03"],
  currencyCode: "EUR",
  basis,
  rows: [{ line: "closing", points: [closing, closing], total: closing, amounts: null, totalAmount: null }],
});

describe("a cohort's breakage", () => {
  it("is what expired of what was issued; what is neither expired nor outstanding was spent", () => {
    expect(breakageCohort(january)).toEqual({ ...january, spent: 300, settled: true, breakageRate: 0.7 });
    expect(breakageCohort(february)).toEqual({ ...february, spent: 300, settled: false, breakageRate: 0 });
  });

  it("has no rate when nothing was issued (a month of points given back only)", () => {
    expect(breakageCohort({ month: "2026-04", issued: 0, expired: 50, outstanding: 0 }).breakageRate).toBeNull();
  });
});

describe("the breakage rate", () => {
  it("sums the settled cohorts only: Σ expired ÷ Σ issued", () => {
    const rate = breakageRate([january, february, march].map(breakageCohort));
    expect(rate).toEqual({
      settledCohorts: 2,
      issued: 4000,
      expired: 1300,
      rate: 1300 / 4000,
      expectedRedemptionRate: 1 - 1300 / 4000,
    });
  });

  it("is unknown without a settled cohort", () => {
    expect(breakageRate([breakageCohort(february)])).toEqual({
      settledCohorts: 0,
      issued: 0,
      expired: 0,
      rate: null,
      expectedRedemptionRate: null,
    });
  });
});

describe("outstanding points net of expected breakage", () => {
  it("keeps the expected redemption share, exactly, rounded half up once", () => {
    const rate = breakageRate([breakageCohort(january)]);
    expect(pointsNetOfBreakage(200, rate)).toBe(60);
    expect(pointsNetOfBreakage(5, rate)).toBe(2); // 1.5 → 2
    expect(pointsNetOfBreakage(3, breakageRate([breakageCohort(march)]))).toBe(2); // 2.4 → 2
    // Past 2^53 in the product: still exact.
    expect(pointsNetOfBreakage(9_000_000_000, rate)).toBe(2_700_000_000);
  });

  it("is unknown without a rate", () => {
    expect(pointsNetOfBreakage(200, breakageRate([]))).toBeNull();
  });
});

describe("the breakage report", () => {
  it("shows the range's cohorts, the rate from every settled cohort, and the closing gross and net in money", () => {
    const report = breakageReport(
      [january, february, march],
      statementClosing(200, { points: 100, amountMinorUnits: 100, reward: null }),
    );
    expect(report.cohorts.map((cohort) => cohort.month)).toEqual(["2026-02", "2026-03"]);
    expect(report.rate.settledCohorts).toBe(2);
    // 200 × (4000 − 1300) ÷ 4000 = 135 points, at 100 points = 1.00.
    expect(report.liability).toEqual({ grossPoints: 200, netPoints: 135, grossAmount: "2.00", netAmount: "1.35" });
    expect(breakageCsvRecords(report, "EUR")).toEqual([
      [],
      ["cohort", "issued", "expired", "spent", "outstanding", "breakage_rate", "settled"],
      ["2026-02", "500", "0", "300", "200", "0.0000", "no"],
      ["2026-03", "3000", "600", "2400", "0", "0.2000", "yes"],
      [],
      ["measure", "value", "amount", "currency"],
      ["breakage_rate", "0.3250", "", ""],
      ["expected_redemption_rate", "0.6750", "", ""],
      ["rate_settled_cohorts", "2", "", ""],
      ["rate_issued_points", "4000", "", ""],
      ["liability_gross", "200", "2.00", "EUR"],
      ["liability_net_of_breakage", "135", "1.35", "EUR"],
    ]);
  });

  it("shows the gross only without a settled cohort, and points only without a value per point", () => {
    const report = breakageReport([february], statementClosing(200, null));
    expect(report.liability).toEqual({ grossPoints: 200, netPoints: null, grossAmount: null, netAmount: null });
  });
});
