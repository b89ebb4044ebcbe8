import { describe, expect, it } from "vitest";
import { capWarningCrossed } from "./cap-warning";
import { billingPeriodEnd } from "./plan";

const use = (balanceUsed: number, cappedAmount = 10_000) => ({ balanceUsed, cappedAmount });
const DAY = 86_400_000;

describe("cap warnings", () => {
  it("warns once at 75% and once at 90% of the cap, on the use that reaches each", () => {
    expect(capWarningCrossed(use(7_480), use(7_500))).toBe(75);
    expect(capWarningCrossed(use(7_500), use(7_520))).toBeNull();
    expect(capWarningCrossed(use(8_980), use(9_000))).toBe(90);
    expect(capWarningCrossed(use(9_000), use(9_020))).toBeNull();
    expect(capWarningCrossed(use(0), use(20))).toBeNull();
  });

  it("a jump past both shares owes the higher one; reaching the cap still owes 90% if it was never sent", () => {
    expect(capWarningCrossed(use(7_000), use(9_500))).toBe(90);
    expect(capWarningCrossed(use(8_000), use(9_990))).toBe(90);
    expect(capWarningCrossed(use(9_500), use(9_990))).toBeNull();
  });

  it("a balance that falls (a new period, a raised cap) owes nothing; the raised cap warns again at its own 75%", () => {
    expect(capWarningCrossed(use(9_000), use(20))).toBeNull();
    expect(capWarningCrossed(use(9_000), use(9_000, 25_000))).toBeNull();
    expect(capWarningCrossed(use(18_740, 25_000), use(18_760, 25_000))).toBe(75);
  });
});

describe("billing period", () => {
  const createdAt = new Date("2026-03-01T00:00:00Z");

  it("is Shopify's current period while it runs, rolled on by 30 days once it has passed", () => {
    const currentPeriodEnd = new Date("2026-03-31T00:00:00Z");
    expect(billingPeriodEnd({ currentPeriodEnd, createdAt }, new Date("2026-03-10T00:00:00Z"))).toEqual(
      currentPeriodEnd,
    );
    expect(billingPeriodEnd({ currentPeriodEnd, createdAt }, currentPeriodEnd)).toEqual(
      new Date(currentPeriodEnd.getTime() + 30 * DAY),
    );
    expect(billingPeriodEnd({ currentPeriodEnd, createdAt }, new Date("2026-05-15T00:00:00Z"))).toEqual(
      new Date(currentPeriodEnd.getTime() + 60 * DAY),
    );
  });

  it("is counted from the subscription's creation until Shopify names its period", () => {
    expect(billingPeriodEnd({ currentPeriodEnd: null, createdAt }, new Date("2026-03-05T00:00:00Z"))).toEqual(
      new Date(createdAt.getTime() + 30 * DAY),
    );
  });
});
