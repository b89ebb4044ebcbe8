import { describe, expect, it } from "vitest";
import { defaultProgram, type Program } from "~/loyalty/program/program";
import {
  compEnd,
  flowActionByHandle,
  overDailyFlowLimit,
  parseAwardPoints,
  parseDeductPoints,
  parseGrantReward,
  parseSetTier,
} from "./flow-actions";

const program: Program = {
  ...defaultProgram(),
  earning: {
    ...defaultProgram().earning,
    customActions: [
      {
        key: "review",
        name: "Write a review",
        points: 40,
        limitPerCustomer: 1,
        limitPerDay: null,
        claimable: false,
        url: null,
        verifiedBy: null,
      },
    ],
  },
};
program.tiers.levels = [{ id: "gold", name: "Gold", threshold: 1000, earnMultiplier: 1, entryBonusPoints: 0 }];
const now = new Date("2026-12-01T10:00:00Z");

describe("Flow's action properties", () => {
  it("reads a customer as Flow sends it: a number, its text, or its GID", () => {
    for (const customer_id of [123, "123", " 123 ", "gid://shopify/Customer/123"]) {
      expect(parseDeductPoints({ customer_id, points: 5, reason: "x" })).toMatchObject({
        ok: true,
        value: { customerId: "123" },
      });
    }
    expect(parseDeductPoints({ customer_id: "gid://shopify/Order/1", points: 5, reason: "x" }).ok).toBe(false);
  });

  it("awards Points with a Reason, or an Action of the program, never both", () => {
    expect(parseAwardPoints({ customer_id: "1", points: "50", reason: "  Wrote  a review " }, program)).toEqual({
      ok: true,
      value: { customerId: "1", kind: "points", points: 50, reason: "Wrote a review" },
    });
    expect(parseAwardPoints({ customer_id: "1", action: "review", points: "" }, program)).toEqual({
      ok: true,
      value: { customerId: "1", kind: "action", actionKey: "review" },
    });
    expect(parseAwardPoints({ customer_id: "1", action: "review", points: 5 }, program).ok).toBe(false);
    expect(parseAwardPoints({ customer_id: "1", points: 10_000_001, reason: "x" }, program).ok).toBe(false);
    expect(parseAwardPoints({ customer_id: "1", points: -5, reason: "x" }, program).ok).toBe(false);
  });

  it("finds a reward by id and a tier by id or name", () => {
    expect(parseGrantReward({ customer_id: "1", reward: "five-off" }, program).ok).toBe(true);
    expect(parseGrantReward({ customer_id: "1", reward: "Five off" }, program).ok).toBe(false);
    expect(parseSetTier({ customer_id: "1", tier: "gold", until: "2027-01-31" }, program, now)).toMatchObject({
      ok: true,
      value: { tier: { id: "gold" } },
    });
    expect(parseSetTier({ customer_id: "1", tier: "GOLD", until: "2027-01-31" }, program, now).ok).toBe(true);
    expect(parseSetTier({ customer_id: "1", tier: "gold", until: "2037-01-31" }, program, now).ok).toBe(false);
  });
});

describe("when a comp ends", () => {
  it("runs through the whole of a date (UTC), or ends at a date and time", () => {
    expect(compEnd("2027-01-31")).toEqual(new Date("2027-02-01T00:00:00Z"));
    expect(compEnd("2027-01-31T18:00:00+01:00")).toEqual(new Date("2027-01-31T17:00:00Z"));
    expect(compEnd("2027-02-30")).toBeNull();
    expect(compEnd("2027-01-31T18:00:00")).toBeNull();
    expect(compEnd("soon")).toBeNull();
  });
});

describe("the daily limit on Flow's awards", () => {
  it("refuses an award that would pass it; no limit when there is none", () => {
    expect(overDailyFlowLimit(500, 450, 50)).toBe(false);
    expect(overDailyFlowLimit(500, 450, 51)).toBe(true);
    expect(overDailyFlowLimit(null, 1_000_000, 1)).toBe(false);
  });

  it("knows its actions by handle", () => {
    expect(flowActionByHandle("tally-award-points")).toBe("awardPoints");
    expect(flowActionByHandle("tally-points-earned")).toBeNull();
  });
});
