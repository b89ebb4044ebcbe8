import { describe, expect, it } from "vitest";
import { assembleProgramCost, costShares } from "./program-cost";

const range = { from: "2026-03", to: "2026-05" };

describe("what the program cost", () => {
  const cost = assembleProgramCost(range, [
    { month: "2026-03", currencyCode: "EUR", source: "reward_code", minorUnits: 1000n },
    { month: "2026-03", currencyCode: "EUR", source: "tier_perk", minorUnits: 250n },
    { month: "2026-05", currencyCode: "EUR", source: "store_credit", minorUnits: 1200n },
    { month: "2026-05", currencyCode: "EUR", source: "membership_perk", minorUnits: 300n },
    { month: "2026-04", currencyCode: "USD", source: "usage_fee", minorUnits: 20n },
  ]);

  it("lists every month of the range per currency, each line and its total", () => {
    const eur = cost.currencies.find((entry) => entry.currencyCode === "EUR")!;
    expect(eur.months.map((entry) => [entry.month, entry.amounts.total])).toEqual([
      ["2026-03", 1250],
      ["2026-04", 0],
      ["2026-05", 1500],
    ]);
    expect(eur.totals).toEqual({
      rewardDiscounts: 1000,
      storeCredit: 1200,
      tierPerks: 250,
      membershipPerks: 300,
      usageFees: 0,
      total: 2750,
    });
  });

  it("keeps Tally's fees in their own currency: totals per currency, never added across", () => {
    expect(cost.currencies.map((entry) => [entry.currencyCode, entry.totals.total])).toEqual([
      ["EUR", 2750],
      ["USD", 20],
    ]);
  });

  it("puts the cost beside members' revenue in the same currency; no revenue in it, no share", () => {
    const shares = costShares(cost, [{ currencyCode: "EUR", revenue: 55_000 }]);
    expect(shares.map(({ currencyCode, revenue, share }) => ({ currencyCode, revenue, share }))).toEqual([
      { currencyCode: "EUR", revenue: 55_000, share: 0.05 },
      { currencyCode: "USD", revenue: 0, share: null },
    ]);
  });

  it("has no currencies when nothing cost anything", () => {
    expect(assembleProgramCost(range, [])).toEqual({ range, currencies: [] });
  });
});
