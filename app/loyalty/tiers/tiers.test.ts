import { describe, expect, it } from "vitest";
import { tiersSchema } from "~/loyalty/program/program";
import {
  decideMemberTier,
  decideTier,
  keptUntil,
  periodStart,
  qualifyingTier,
  withComp,
  type MemberTierState,
} from "./tiers";

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

describe("a tier given until a date (a comp)", () => {
  const DAY = 86_400_000;
  const until = new Date(now.getTime() + 30 * DAY);
  const earnedSilver: MemberTierState = {
    tierId: "silver",
    heldUntil: null,
    compTierId: null,
    compTierUntil: null,
    earnedTierId: null,
  };
  const comped = withComp(earnedSilver, "gold", until);

  it("holds the higher of the comp and the earned tier while the comp lasts, the earned one underneath", () => {
    expect(decideMemberTier(tiers(), comped, 150, now, "comp")).toEqual({
      tierId: "gold",
      heldUntil: null,
      compTierId: "gold",
      compTierUntil: until,
      earnedTierId: "silver",
    });
    // Earning past Gold meanwhile: Gold is earned; the comp still runs until its date.
    expect(decideMemberTier(tiers(), comped, 600, now, "earn")).toMatchObject({ tierId: "gold", earnedTierId: "gold" });
    // A comp below the earned tier gives nothing.
    const low = withComp({ ...earnedSilver, tierId: "gold" }, "silver", until);
    expect(decideMemberTier(tiers(), low, 600, now, "comp").tierId).toBe("gold");
  });

  it("ends at its date: cleared, and the member holds the tier they earned", () => {
    const after = new Date(until.getTime() + 1);
    expect(decideMemberTier(tiers(), comped, 150, after, "period")).toEqual(earnedSilver);
    expect(decideMemberTier(tiers(), comped, 50, after, "period")).toMatchObject({ tierId: null, compTierId: null });
  });

  it("keeps the earned tier's retention under the comp, and a later comp replaces an earlier one", () => {
    const yearly = tiers({ period: "calendar_year" });
    const retained: MemberTierState = { ...earnedSilver, heldUntil: new Date("2027-01-01T00:00:00Z") };
    const state = decideMemberTier(yearly, withComp(retained, "gold", until), 0, now, "comp");
    expect(state).toMatchObject({ tierId: "gold", earnedTierId: "silver", heldUntil: retained.heldUntil });
    const replaced = withComp(state, "silver", new Date(now.getTime() + DAY));
    expect(replaced).toMatchObject({ compTierId: "silver", earnedTierId: "silver" });
  });

  it("counts for nothing on a tier the program no longer has", () => {
    const gone = withComp(earnedSilver, "platinum", until);
    expect(decideMemberTier(tiers(), gone, 150, now, "period")).toEqual(earnedSilver);
  });
});
