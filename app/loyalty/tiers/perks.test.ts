import { describe, expect, it } from "vitest";
import { defaultProgram, parseProgram, type Program } from "~/loyalty/program/program";
import { publicTierPerks } from "~/loyalty/program/storefront-program";
import { desiredTierPerks, perkStatus } from "./perks";

const combinesWith = { orderDiscounts: false, productDiscounts: true, shippingDiscounts: false };

function program(change: (program: Program) => void = () => {}): Program {
  const built = defaultProgram();
  built.tiers.levels = [
    { id: "silver", name: "Silver", threshold: 100, earnMultiplier: 1, entryBonusPoints: 0 },
    {
      id: "gold",
      name: "Gold",
      threshold: 500,
      earnMultiplier: 1,
      entryBonusPoints: 0,
      perks: {
        percentageOff: { percentage: 12.5, collectionIds: ["42"], combinesWith },
        freeShipping: { minimumSubtotal: null, combinesWith },
      },
    },
  ];
  change(built);
  return built;
}

describe("tier perks as Shopify should hold them", () => {
  it("a tier with perks has a segment of its tag and one discount per perk; a tier without has nothing", () => {
    const desired = desiredTierPerks(program());
    expect(desired.map((item) => `${item.tierId}:${item.kind}`)).toEqual([
      "gold:segment",
      "gold:percentage_off",
      "gold:free_shipping",
    ]);
    expect(desired[0]).toMatchObject({ name: "Tally tier: Gold (gold)", query: "customer_tags CONTAINS 'Tally Gold'" });
    expect(desired[1]).toMatchObject({
      title: "Gold: 12.5% off",
      tag: "tally-perk:gold:percentage_off",
      value: { type: "percentage_off", percentage: 12.5, collectionIds: ["42"] },
      combinesWith,
    });
  });

  it("titles the discounts (which shoppers read at checkout) in the shop's language", () => {
    const titles = desiredTierPerks(program(), "fr").flatMap((item) => ("title" in item ? [item.title] : []));
    expect(titles).toEqual(["Gold : 12.5 % de réduction", "Gold : livraison gratuite"]);
  });

  it("quotes the tag in the segment query, whatever the tier is called", () => {
    const [segment] = desiredTierPerks(program((p) => void (p.tiers.levels[1]!.name = `Mo's \\ VIP`)));
    expect(segment).toMatchObject({ query: `customer_tags CONTAINS 'Tally Mo\\'s \\\\ VIP'` });
  });

  it("changes a perk's hash only when what Shopify holds would change", () => {
    const [, before] = desiredTierPerks(program());
    const [, renamedElsewhere] = desiredTierPerks(program((p) => void (p.tiers.levels[0]!.name = "Bronze")));
    const [, changed] = desiredTierPerks(
      program((p) => void (p.tiers.levels[1]!.perks!.percentageOff!.percentage = 15)),
    );
    expect(renamedElsewhere!.hash).toBe(before!.hash);
    expect(changed!.hash).not.toBe(before!.hash);
  });

  it("wants nothing in Shopify while the program is off", () => {
    expect(desiredTierPerks(program((p) => void (p.enabled = false)))).toEqual([]);
    expect(publicTierPerks({ enabled: false }, program().tiers.levels[1]!, "USD")).toEqual([]);
  });

  it("a perk is pending until the sync applied its desired state, then active, failed or missing as it left it", () => {
    const [, perk] = desiredTierPerks(program());
    const row = (status: string, desiredHash = perk!.hash) => ({ desiredHash, status, lastError: "Title is too long" });
    expect(perkStatus(perk!, undefined)).toEqual({ status: "pending" });
    expect(perkStatus(perk!, row("active", "older"))).toEqual({ status: "pending" });
    expect(perkStatus(perk!, row("active"))).toEqual({ status: "active" });
    expect(perkStatus(perk!, row("failed"))).toEqual({ status: "failed", reason: "Title is too long" });
    expect(perkStatus(perk!, row("missing"))).toEqual({ status: "missing" });
  });

  it("bounds perks: a percentage above 100, a negative minimum and an unknown field are refused", () => {
    const input = program();
    const gold = input.tiers.levels[1] as unknown as { perks: Record<string, unknown> };
    gold.perks = { percentageOff: { percentage: 101 }, freeShipping: { minimumSubtotal: 0 }, cashback: true };
    const parsed = parseProgram(input);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : [...new Set(parsed.issues.map((issue) => issue.path))].sort()).toEqual([
      "tiers.levels.1.perks",
      "tiers.levels.1.perks.freeShipping.minimumSubtotal",
      "tiers.levels.1.perks.percentageOff.percentage",
    ]);
  });
});
