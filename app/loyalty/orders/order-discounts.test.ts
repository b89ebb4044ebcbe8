import { describe, expect, it } from "vitest";
import { perkDiscountCents, tallyOrderDiscounts } from "./order-discounts";

const known = {
  redemptionIdByCode: new Map([["TALLY-ABC", "redemption-1"]]),
  tierPerkTitles: new Set(["Gold: 5% off"]),
  membershipPerkTitles: new Set(["Club: free shipping"]),
};

describe("the discounts Tally is behind on a paid order", () => {
  it("sums a reward code's allocations on lines and shipping under its redemption, whatever the case typed", () => {
    const discounts = tallyOrderDiscounts(
      {
        codeDiscounts: [
          { code: "tally-abc", amount: "7.00" },
          { code: "TALLY-ABC", amount: "3.00" },
        ],
        automaticDiscounts: [],
      },
      known,
      2,
    );
    expect(discounts).toEqual([{ kind: "reward_code", reference: "redemption-1", amountCents: 1000n }]);
  });

  it("leaves out codes and automatic discounts that are not Tally's, and nothing taken off", () => {
    const discounts = tallyOrderDiscounts(
      {
        codeDiscounts: [
          { code: "SUMMER10", amount: "10.00" },
          { code: "TALLY-ABC", amount: "0.00" },
        ],
        automaticDiscounts: [{ title: "Black Friday", amount: "4.00" }],
      },
      known,
      2,
    );
    expect(discounts).toEqual([]);
  });

  it("keeps tier and membership perks apart, by title, in the currency's minor units", () => {
    const discounts = tallyOrderDiscounts(
      {
        codeDiscounts: [],
        automaticDiscounts: [
          { title: "Gold: 5% off", amount: "1.250" },
          { title: "Gold: 5% off", amount: "0.750" },
          { title: "Club: free shipping", amount: "2.5" },
        ],
      },
      known,
      3,
    );
    expect(discounts).toEqual([
      { kind: "tier_perk", reference: "Gold: 5% off", amountCents: 2000n },
      { kind: "membership_perk", reference: "Club: free shipping", amountCents: 2500n },
    ]);
  });

  it("counts an amount that is not money as nothing", () => {
    expect(perkDiscountCents([{ title: "Gold: 5% off", amount: "-1" }], known.tierPerkTitles, 2)).toEqual(
      new Map([["Gold: 5% off", 0n]]),
    );
  });
});
