import { describe, expect, it } from "vitest";
import { rewardSchema } from "~/loyalty/program/program";
import { decimalAmount } from "~/money/money";
import { creditExpiresAt, storeCreditMinorUnits } from "./store-credit";

const reward = (amountPerStep: number, creditExpiryDays: number | null = null) => {
  const parsed = rewardSchema.parse({
    id: "credit",
    name: "Store credit",
    type: "store_credit",
    pointsPerStep: 100,
    amountPerStep,
    minPoints: 100,
    maxPoints: 10_000,
    creditExpiryDays,
  });
  if (parsed.type !== "store_credit") throw new Error("not store credit");
  return parsed;
};

describe("store credit amounts", () => {
  it("1,200 points at 1.00 per 100 points credit 12.00 dollars", () => {
    expect(storeCreditMinorUnits(reward(1), 1200, "USD")).toBe(1200n);
    expect(decimalAmount(1200n, "USD")).toBe("12.00");
  });

  it("counts whole yen in JPY, which has no decimals", () => {
    expect(storeCreditMinorUnits(reward(100), 1200, "JPY")).toBe(1200n);
    expect(decimalAmount(1200n, "JPY")).toBe("1200");
  });

  it("rounds once, after multiplying, to the currency's minor unit", () => {
    // 3 steps of 0.35 = 1.05 yen → 1 yen; 1.50 × 1 step → 2 yen (half up).
    expect(storeCreditMinorUnits(reward(0.35), 300, "JPY")).toBe(1n);
    expect(storeCreditMinorUnits(reward(1.5), 100, "JPY")).toBe(2n);
  });

  it("keeps three decimals in KWD", () => {
    expect(storeCreditMinorUnits(reward(0.07), 300, "KWD")).toBe(210n);
    expect(decimalAmount(210n, "KWD")).toBe("0.210");
    expect(decimalAmount(5n, "USD")).toBe("0.05");
  });

  it("has no float error on amounts like 0.10 × 3", () => {
    expect(storeCreditMinorUnits(reward(0.1), 300, "USD")).toBe(30n);
  });

  it("expires the reward's days after it is given, or never", () => {
    const at = new Date("2026-12-01T00:00:00Z");
    expect(creditExpiresAt(reward(1, 90), at)?.toISOString()).toBe("2027-03-01T00:00:00.000Z");
    expect(creditExpiresAt(reward(1), at)).toBeNull();
  });

  it("refuses steps that do not divide the bounds, like a variable reward", () => {
    expect(
      rewardSchema.safeParse({
        id: "c",
        name: "C",
        type: "store_credit",
        pointsPerStep: 150,
        amountPerStep: 1,
        minPoints: 100,
        maxPoints: 1000,
      }).success,
    ).toBe(false);
  });
});
