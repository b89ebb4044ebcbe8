import { describe, expect, it } from "vitest";
import { tiersSchema } from "~/loyalty/program/program";
import { decideTier, keptUntil, periodStart, qualifyingTier } from "./tiers";

const tiers = (changes: Record<string, unknown> = {}) =>
  tiersSchema.parse({
    levels: [
      { id: "silver", name: "Silver", threshold: 100 },
      { id: "gold", name: "Gold", threshold: 500 },
    ],
    ...changes,
  });
const now = new Date("2026-06-15T12:00:00Z");

describe("qualification periods", () => {
  it("counts all time, the calendar year, or the last 365 days", () => {
    expect(periodStart("lifetime", now)).toBeNull();
    expect(periodStart("calendar_year", now)).toEqual(new Date("2026-01-01T00:00:00Z"));
    expect(periodStart("rolling_12_months", now)).toEqual(new Date("2025-06-15T12:00:00Z"));
  });

  it("keeps a tier through the end of the next period", () => {
    expect(keptUntil(tiers({ period: "calendar_year" }), now)).toEqual(new Date("2028-01-01T00:00:00Z"));
    expect(keptUntil(tiers({ period: "rolling_12_months" }), now)).toEqual(new Date("2027-06-15T12:00:00Z"));
    expect(keptUntil(tiers({ period: "calendar_year", retention: "none" }), now)).toBeNull();
  });
});

describe("deciding a member's tier", () => {
  const none = { tierId: null, heldUntil: null };

  it("reaches the highest tier whose threshold the metric meets", () => {
    expect(qualifyingTier(tiers(), 99)).toBeNull();
    expect(qualifyingTier(tiers(), 100)?.id).toBe("silver");
    expect(qualifyingTier(tiers(), 900)?.id).toBe("gold");
    expect(decideTier(tiers(), none, 520, now, "earn").tierId).toBe("gold");
  });

  it("keeps a tier through the retention period after falling below, then lets it go", () => {
    const config = tiers({ period: "calendar_year" });
    const gold = { tierId: "gold", heldUntil: new Date("2027-01-01T00:00:00Z") };
    expect(decideTier(config, gold, 120, now, "period")).toEqual(gold);
    expect(decideTier(config, gold, 120, new Date("2027-01-01T00:00:01Z"), "period").tierId).toBe("silver");
    expect(decideTier(config, gold, 0, new Date("2027-02-01T00:00:00Z"), "period")).toEqual({
      tierId: null,
      heldUntil: null,
    });
  });

  it("does not let a refund demote unless the program says so", () => {
    const config = tiers({ retention: "none" });
    const gold = { tierId: "gold", heldUntil: null };
    expect(decideTier(config, gold, 200, now, "refund")).toEqual(gold);
    expect(decideTier(tiers({ retention: "none", refundsDemote: true }), gold, 200, now, "refund").tierId).toBe(
      "silver",
    );
  });

  it("refuses thresholds that do not increase", () => {
    const result = tiersSchema.safeParse({
      levels: [
        { id: "a", name: "A", threshold: 100 },
        { id: "b", name: "B", threshold: 100 },
      ],
    });
    expect(result.success).toBe(false);
  });
});
