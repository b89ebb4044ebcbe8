import { describe, expect, it } from "vitest";
import { defaultProgram, type Program } from "./program";
import { storefrontProgram } from "./storefront-program";

function program(change: (program: Program) => void): Program {
  const value = defaultProgram();
  change(value);
  return value;
}

describe("the program as the storefront's Liquid reads it", () => {
  it("gives amounts in cents, as Liquid's money filters take them", () => {
    const stored = storefrontProgram(
      program((p) => {
        p.earning.order.minimumSubtotal = 25.5;
        p.tiers.metric = "amount_spent";
        p.tiers.levels = [{ id: "gold", name: "Gold", threshold: 1000.1, earnMultiplier: 2, entryBonusPoints: 0 }];
        p.referrals.enabled = true;
        p.referrals.refereeReward = { type: "fixed_amount", amount: 7.5 };
      }),
    );
    expect(stored.earning.minimumSubtotal).toBe(2550);
    expect(stored.rewards).toEqual([{ name: "5 off", type: "fixed_amount", points: 500, amount: 500 }]);
    expect(stored.tiers.levels).toEqual([{ name: "Gold", threshold: 100010, earnMultiplier: 2, entryBonusPoints: 0 }]);
    expect(stored.referrals).toEqual({
      friendOffer: { type: "fixed_amount", amount: 750 },
      referrerReward: { type: "points", points: 500 },
    });
  });

  it("keeps points thresholds as points, and each bonus event's start and end in seconds", () => {
    const stored = storefrontProgram(
      program((p) => {
        p.tiers.levels = [{ id: "silver", name: "Silver", threshold: 300, earnMultiplier: 1, entryBonusPoints: 50 }];
        p.earning.bonusEvents = [
          {
            name: "Double week",
            multiplier: 2,
            startsAt: "2026-12-01T00:00:00Z",
            endsAt: "2026-12-08T00:00:00+01:00",
            tierIds: [],
            segmentId: null,
          },
        ];
      }),
    );
    expect(stored.tiers.levels[0]!.threshold).toBe(300);
    expect(stored.earning.bonusEvents).toEqual([
      { name: "Double week", multiplier: 2, startsAt: 1796083200, endsAt: 1796684400 },
    ]);
  });

  it("says nothing a shopper may not read, and no referral offer while referrals or the program are off", () => {
    const stored = storefrontProgram(program((p) => (p.enabled = false)));
    expect(stored.referrals).toBeNull();
    const text = JSON.stringify(storefrontProgram(program((p) => (p.referrals.enabled = true))));
    for (const secret of ["codePrefix", "productRules", "tagPrefix", "fraud", "holdDays", "scope", "tierIds"])
      expect(text).not.toContain(secret);
  });

  it("gives giving's causes (dates in seconds) and the round-up's rule, variant and the shop's currency", () => {
    const giving = (change: (p: Program) => void) =>
      storefrontProgram(
        program((p) => {
          p.giving.enabled = true;
          p.giving.causes = [
            {
              id: "ocean",
              name: "Ocean Cleanup",
              description: "Plastic out of the sea",
              url: "https://ocean.example.org",
              translations: { fr: { name: "Océans propres", description: "Moins de plastique" } },
              startsAt: "2026-12-01T00:00:00Z",
              endsAt: null,
            },
          ];
          p.giving.defaultCauseId = "ocean";
          p.giving.roundUp = { ...p.giving.roundUp, enabled: true, rule: "next_5", variantId: "4401" };
          change(p);
        }),
        "EUR",
      ).giving;
    expect(giving(() => {})).toEqual({
      roundUp: { rule: "next_5", fixedAmounts: [1, 2, 5], variantId: "4401", currencyCode: "EUR" },
      defaultCauseId: "ocean",
      causes: [
        {
          id: "ocean",
          name: "Ocean Cleanup",
          description: "Plastic out of the sea",
          url: "https://ocean.example.org",
          translations: { fr: { name: "Océans propres", description: "Moins de plastique" } },
          startsAt: 1796083200,
          endsAt: null,
        },
      ],
    });
    // The causes stay for the running total; the round-up goes.
    expect(giving((p) => (p.giving.roundUp.enabled = false))).toMatchObject({ roundUp: false });
    expect(giving((p) => (p.giving.roundUp.variantId = null))).toMatchObject({ roundUp: false });
    expect(giving((p) => (p.giving.enabled = false))).toBe(false);
    expect(giving((p) => (p.enabled = false))).toBe(false);
  });
});
