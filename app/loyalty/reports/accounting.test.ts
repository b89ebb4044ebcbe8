import { describe, expect, it } from "vitest";
import { monthsBetween, rollForward, rollForwardLine } from "./accounting";

describe("the roll-forward's lines", () => {
  it("puts each kind of entry on its line", () => {
    const line = (kind: string, sourceType: string | null = null, rewardType: string | null = null) =>
      rollForwardLine({ kind, sourceType, rewardType });
    expect(line("earn", "order")).toEqual({ line: "issued", source: "orders" });
    expect(line("bonus", "tier")).toEqual({ line: "issued", source: "tiers" });
    expect(line("bonus", "referral")).toEqual({ line: "issued", source: "referrals" });
    expect(line("bonus", "campaign")).toEqual({ line: "issued", source: "campaigns" });
    expect(line("bonus", "signup")).toEqual({ line: "issued", source: "bonuses" });
    expect(line("partner", "partner")).toEqual({ line: "issued", source: "partners" });
    expect(line("import", "import")).toEqual({ line: "issued", source: "imports" });
    expect(line("redeem", "redemption", "fixed_amount")).toEqual({ line: "redeemed", use: "discounts" });
    expect(line("redeem", "redemption", "store_credit")).toEqual({ line: "redeemed", use: "store_credit" });
    expect(line("redeem", "donation")).toEqual({ line: "redeemed", use: "donations" });
    expect(line("reverse", "refund")).toEqual({ line: "reversed" });
    expect(line("reverse", "redemption")).toEqual({ line: "returned" });
    expect(line("expire")).toEqual({ line: "expired" });
    expect(line("adjust", "staff")).toEqual({ line: "adjusted" });
    expect(line("release")).toEqual({ line: "adjusted" });
  });

  it("folds the months: each closing opens the next, and the lines add up to the change", () => {
    const months = rollForward(
      100,
      ["2026-01", "2026-02"],
      new Map([
        [
          "2026-01",
          [
            { kind: "earn", sourceType: "order", rewardType: null, points: 300 },
            { kind: "redeem", sourceType: "redemption", rewardType: "fixed_amount", points: -200 },
            { kind: "reverse", sourceType: "redemption", rewardType: "fixed_amount", points: 200 },
            { kind: "expire", sourceType: null, rewardType: null, points: -50 },
          ],
        ],
      ]),
    );
    expect(months[0]).toMatchObject({ opening: 100, issuedTotal: 300, redeemedTotal: 200, returned: 200, expired: 50 });
    expect(months[0]!.closing).toBe(350);
    expect(months[1]).toMatchObject({ opening: 350, closing: 350, issuedTotal: 0 });
  });

  it("lists the months of a range across years", () => {
    expect(monthsBetween("2025-11", "2026-02")).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(monthsBetween("2026-03", "2026-03")).toEqual(["2026-03"]);
  });
});
