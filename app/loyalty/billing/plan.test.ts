import { describe, expect, it } from "vitest";
import { BILLING_PLAN, capLevel, decimalAmount, shoppersSeeProgram, usageDescription, usageTerms } from "./plan";

describe("the plan's amounts", () => {
  it("writes minor units as Shopify's decimal text in any currency's precision", () => {
    expect(decimalAmount(20)).toBe("0.20");
    expect(decimalAmount(10_000)).toBe("100.00");
    expect(decimalAmount(5)).toBe("0.05");
    expect(decimalAmount(1500, 0)).toBe("1500");
    expect(decimalAmount(1234, 3)).toBe("1.234");
  });

  it("states the price and the cap in the terms the merchant approves", () => {
    expect(usageTerms()).toBe(
      "$0.20 for each loyalty reward a shopper uses (a reward's discount code on a paid order). Earning points is free. At most $100.00 every 30 days.",
    );
    expect(usageTerms(25_000)).toContain("At most $250.00 every 30 days.");
  });

  it("names the reward on the merchant's bill, within Shopify's 255 characters", () => {
    expect(usageDescription("5 off")).toBe("Loyalty reward used: 5 off");
    expect(usageDescription("x".repeat(400))).toHaveLength(255);
  });
});

describe("how close a cycle is to its cap", () => {
  const cap = BILLING_PLAN.defaultCap;
  it.each([
    [0, 0],
    [7_480, 0],
    [7_500, 75],
    [8_999, 75],
    [9_000, 90],
    [9_980, 90],
    // Another 0.20 would no longer fit.
    [9_981, 100],
    [10_000, 100],
  ])("%i of 10,000 used → %i", (used, level) => {
    expect(capLevel(used, cap)).toBe(level);
  });
});

describe("who sees the program", () => {
  it("shoppers see it with an active plan, or on an install without billing", () => {
    expect(shoppersSeeProgram("on", true)).toBe(true);
    expect(shoppersSeeProgram("on", false)).toBe(false);
    expect(shoppersSeeProgram("off", false)).toBe(true);
  });
});
