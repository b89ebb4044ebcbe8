import { describe, expect, it } from "vitest";
import { membershipSchema } from "~/loyalty/program/program";
import {
  addInterval,
  earnMultiplierWithMembership,
  membershipTerms,
  membershipStatus,
  planForVariant,
  type MembershipGrant,
} from "./membership";

const membership = membershipSchema.parse({
  enabled: true,
  graceDays: 7,
  plans: [
    { id: "monthly", name: "Monthly", interval: "month", price: 9, variantId: "4401" },
    { id: "yearly", name: "Yearly", interval: "year", price: 79, variantId: "4402" },
  ],
  perks: { earnMultiplier: 2 },
});
const at = (iso: string) => new Date(iso);
const grant = (lineKey: string, planId: string, paidAt: string, quantity = 1): MembershipGrant => ({
  lineKey,
  planId,
  paidAt: at(paidAt),
  quantity,
});

describe("paid membership", () => {
  it("adds months and years in UTC, the day clamped to the month's end", () => {
    expect(addInterval(at("2026-01-31T10:00:00Z"), "month", 1)).toEqual(at("2026-02-28T10:00:00Z"));
    expect(addInterval(at("2028-01-31T10:00:00Z"), "month", 1)).toEqual(at("2028-02-29T10:00:00Z"));
    expect(addInterval(at("2026-12-01T00:00:00Z"), "year", 1)).toEqual(at("2027-12-01T00:00:00Z"));
    expect(addInterval(at("2026-11-15T00:00:00Z"), "month", 3)).toEqual(at("2027-02-15T00:00:00Z"));
  });

  it("finds the plan a paid line buys from its variant", () => {
    expect(planForVariant(membership, "4402")?.id).toBe("yearly");
    expect(planForVariant(membership, "9999")).toBeNull();
    expect(planForVariant(membership, null)).toBeNull();
  });

  it("buying the yearly plan: active until a year later", () => {
    expect(membershipTerms(membership, [grant("o1:l1", "yearly", "2026-12-01T00:00:00Z")])).toEqual([
      {
        planId: "yearly",
        startedAt: at("2026-12-01T00:00:00Z"),
        paidThrough: at("2027-12-01T00:00:00Z"),
        renewals: [],
        startedBy: "o1:l1",
      },
    ]);
  });

  it("a renewal before the end extends from the end, whatever order the grants arrive in", () => {
    const grants = [
      grant("o1:l1", "monthly", "2026-10-01T00:00:00Z"),
      grant("o2:l1", "monthly", "2026-10-25T00:00:00Z"),
      grant("o3:l1", "monthly", "2026-12-03T00:00:00Z"),
    ];
    const expected = {
      planId: "monthly",
      startedAt: at("2026-10-01T00:00:00Z"),
      // Oct 1 → Nov 1 → Dec 1; the third, paid two days late (within the 7-day grace), continues
      // it from its payment (the later of the end and the payment).
      paidThrough: at("2027-01-03T00:00:00Z"),
      renewals: ["o2:l1", "o3:l1"],
      startedBy: "o1:l1",
    };
    expect(membershipTerms(membership, grants)).toEqual([expected]);
    expect(membershipTerms(membership, [...grants].reverse())).toEqual([expected]);
  });

  it("a renewal after the grace starts a new membership from its own payment", () => {
    const terms = membershipTerms(membership, [
      grant("o1:l1", "monthly", "2026-09-01T00:00:00Z"),
      grant("o2:l1", "monthly", "2026-11-20T00:00:00Z"),
    ]);
    expect(terms).toHaveLength(2);
    expect(terms[0]).toMatchObject({ startedBy: "o1:l1", paidThrough: at("2026-10-01T00:00:00Z") });
    expect(terms[1]).toMatchObject({
      startedAt: at("2026-11-20T00:00:00Z"),
      paidThrough: at("2026-12-20T00:00:00Z"),
      renewals: [],
      startedBy: "o2:l1",
    });
  });

  it("a line of two units buys two periods; a plan gone from the program grants nothing", () => {
    expect(membershipTerms(membership, [grant("o1:l1", "monthly", "2026-12-01T00:00:00Z", 2)])[0]?.paidThrough).toEqual(
      at("2027-02-01T00:00:00Z"),
    );
    expect(membershipTerms(membership, [grant("o1:l1", "weekly", "2026-12-01T00:00:00Z")])).toEqual([]);
    expect(membershipTerms(membership, [grant("o1:l1", "monthly", "2026-12-01T00:00:00Z", 0)])).toEqual([]);
  });

  it("is active until paidThrough, in grace for the grace days, then ended", () => {
    const paidThrough = at("2026-12-01T00:00:00Z");
    expect(membershipStatus(membership, paidThrough, at("2026-11-30T00:00:00Z"))).toBe("active");
    expect(membershipStatus(membership, paidThrough, at("2026-12-05T00:00:00Z"))).toBe("grace");
    expect(membershipStatus(membership, paidThrough, at("2026-12-09T00:00:00Z"))).toBe("ended");
  });

  it("the higher multiplier wins unless the program says they stack", () => {
    expect(earnMultiplierWithMembership(membership, 1.5, true)).toBe(2);
    expect(earnMultiplierWithMembership(membership, 3, true)).toBe(3);
    expect(earnMultiplierWithMembership(membership, 1.5, false)).toBe(1.5);
    const stacking = membershipSchema.parse({ ...membership, perks: { ...membership.perks, stacksWithTier: true } });
    expect(earnMultiplierWithMembership(stacking, 1.5, true)).toBe(3);
  });

  it("refuses two plans with one id or one variant", () => {
    const plan = { name: "P", interval: "month", price: 9 };
    expect(
      membershipSchema.safeParse({
        plans: [
          { ...plan, id: "a", variantId: "1" },
          { ...plan, id: "a", variantId: "2" },
        ],
      }).success,
    ).toBe(false);
    expect(
      membershipSchema.safeParse({
        plans: [
          { ...plan, id: "a", variantId: "1" },
          { ...plan, id: "b", variantId: "1" },
        ],
      }).success,
    ).toBe(false);
  });
});
