import { describe, expect, it } from "vitest";
import { defaultProgram, membershipSchema, type Program } from "~/loyalty/program/program";
import { membershipOffer, programAmount, publicMembership, type PaidMembershipRow } from "./offer";

const DAY = 86_400_000;
const NOW = new Date("2026-12-01T12:00:00Z");
const SHOP = { domain: "tea.myshopify.com", currencyCode: "EUR" };

function program(membership: Record<string, unknown>, enabled = true): Program {
  return { ...defaultProgram(), enabled, membership: membershipSchema.parse(membership) };
}

const CLUB = {
  enabled: true,
  name: "Club",
  translations: { ja: { name: "クラブ" } },
  plans: [
    { id: "monthly", name: "Monthly", interval: "month", price: 9, variantId: null },
    {
      id: "yearly",
      name: "Yearly",
      translations: { ja: { name: "年間" } },
      interval: "year",
      price: 79.5,
      variantId: "4402",
      productHandle: "club",
    },
  ],
  perks: { earnMultiplier: 2, joinBonusPoints: 100, discounts: { percentageOff: { percentage: 10 } } },
};

const row = (overrides: Partial<PaidMembershipRow> = {}): PaidMembershipRow => ({
  planId: "yearly",
  paidThrough: new Date(NOW.getTime() + 30 * DAY),
  status: "active",
  autoRenews: true,
  extraPoints: 340n,
  discountCents: 1999n,
  ...overrides,
});

describe("the membership offer", () => {
  it("offers the plans that have a variant, priced as Shopify's decimal text, linked on the shop's domain", () => {
    expect(membershipOffer(program(CLUB), "en", SHOP)).toEqual({
      name: "Club",
      plans: [
        {
          id: "yearly",
          name: "Yearly",
          interval: "year",
          intervalCount: 1,
          price: "79.50",
          currencyCode: "EUR",
          variantId: "4402",
          productHandle: "club",
          productUrl: "https://tea.myshopify.com/products/club?variant=4402",
        },
      ],
      perks: {
        earnMultiplier: 2,
        joinBonusPoints: 100,
        renewalBonusPoints: 0,
        discounts: [{ type: "percentage_off", percentage: 10, collectionIds: [] }],
      },
    });
  });

  it("names it in the shopper's language", () => {
    const offer = membershipOffer(program(CLUB), "ja", SHOP)!;
    expect([offer.name, offer.plans[0]!.name]).toEqual(["クラブ", "年間"]);
  });

  it("is null while the program or the membership is off, or no plan has a variant", () => {
    expect(membershipOffer(program(CLUB, false), "en", SHOP)).toBeNull();
    expect(membershipOffer(program({ ...CLUB, enabled: false }), "en", SHOP)).toBeNull();
    expect(membershipOffer(program({ ...CLUB, plans: [CLUB.plans[0]] }), "en", SHOP)).toBeNull();
  });

  it("words amounts in the currency's minor unit, without floating point", () => {
    expect(programAmount(79, "USD")).toBe("79.00");
    expect(programAmount(0.1 + 0.2, "USD")).toBe("0.30");
    expect(programAmount(7900, "JPY")).toBe("7900");
    expect(programAmount(12.5, "KWD")).toBe("12.500");
    expect(programAmount(9, null)).toBe("9.00");
  });
});

describe("a member's membership", () => {
  const club = program(CLUB);

  it("is null for a shopper who never paid", () => {
    expect(publicMembership(club, null, "en", "EUR", NOW)).toBeNull();
  });

  it("says its status, renewal date and savings", () => {
    expect(publicMembership(club, row(), "en", "EUR", NOW)).toEqual({
      active: true,
      status: "active",
      planId: "yearly",
      planName: "Yearly",
      paidThrough: "2026-12-31T12:00:00.000Z",
      autoRenews: true,
      savings: { points: 340, discount: { amount: "19.99", currencyCode: "EUR" } },
    });
  });

  it("is in grace after its paid date for the program's grace days, then ended; ended by the lifecycle stays ended", () => {
    const status = (daysPast: number, stored = "active") =>
      publicMembership(
        club,
        row({ status: stored, paidThrough: new Date(NOW.getTime() - daysPast * DAY) }),
        "en",
        null,
        NOW,
      );
    expect(status(3)).toMatchObject({ active: true, status: "grace" });
    expect(status(8)).toMatchObject({ active: false, status: "ended" });
    expect(status(-10, "ended")).toMatchObject({ active: false, status: "ended" });
  });

  it("keeps a plan the program no longer has under the membership's name", () => {
    expect(publicMembership(club, row({ planId: "gone" }), "ja", "JPY", NOW)).toMatchObject({
      planName: "クラブ",
      savings: { discount: { amount: "1999", currencyCode: "JPY" } },
    });
  });
});
