import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pointsForOrder, withMultiplier } from "~/loyalty/points/earning";
import { defaultProgram, programSchema, type Program } from "~/loyalty/program/program";
import type { LoadedShop } from "~/loyalty/program/program.server";
import { productMultiplierFor, publicProgram } from "~/storefront/api.server";
import { minorUnitDigits } from "~/money/currency";
import { pointsForPrice, type PublicProgram } from "./tally";

// The product block's "earn N points" (this script) and what the server awards for that product
// bought alone (app/loyalty/points/earning.ts, the tier applied as app/loyalty/orders does) must
// be the same figure, for any program and price.

const NOW = new Date("2026-06-15T12:00:00Z");

/** A rate, multiplier or amount as a merchant may type it: up to `decimals` places. */
const decimalIn = (min: number, max: number, decimals: number) =>
  fc.integer({ min: min * 10 ** decimals, max: max * 10 ** decimals }).map((n) => n / 10 ** decimals);

const program: fc.Arbitrary<Program> = fc
  .record({
    enabled: fc.boolean(),
    // Within the program's bound: rate × rule × bonus × tier ≤ 10,000 points per currency unit.
    pointsPerCurrencyUnit: fc.oneof(decimalIn(0, 20, 2), decimalIn(0, 2, 6), fc.constantFrom(1, 0.05, 2.5)),
    rounding: fc.constantFrom("floor" as const, "round" as const, "ceil" as const),
    minimumSubtotal: fc.oneof(fc.constant(0), decimalIn(0, 200, 2)),
    ruleMultiplier: fc.oneof(fc.constant(0), decimalIn(0, 10, 4)),
    bonus: fc.option(decimalIn(0.001, 5, 3), { nil: null }),
    tierMultiplier: decimalIn(1, 5, 3),
  })
  .map((p) =>
    programSchema.parse({
      ...defaultProgram(),
      enabled: p.enabled,
      earning: {
        ...defaultProgram().earning,
        order: {
          pointsPerCurrencyUnit: p.pointsPerCurrencyUnit,
          rounding: p.rounding,
          minimumSubtotal: p.minimumSubtotal,
          productRules: [{ match: { tags: ["featured"] }, multiplier: p.ruleMultiplier }],
        },
        bonusEvents: p.bonus
          ? [{ name: "Bonus", startsAt: "2026-06-01T00:00:00Z", endsAt: "2026-07-01T00:00:00Z", multiplier: p.bonus }]
          : [],
      },
      tiers: {
        ...defaultProgram().tiers,
        levels: [{ id: "gold", name: "Gold", threshold: 100, earnMultiplier: p.tierMultiplier }],
      },
    }),
  );

/**
 * A product in the cart: its price in the shop's currency as Liquid renders it (hundredths of the
 * currency unit, whatever the currency: 1,000 yen is 100000), whether a product rule matches it,
 * and the shopper's tier.
 */
interface CartLine {
  currency: string;
  units: number;
  featured: boolean;
  tierId: string | null;
}

const cartLine: fc.Arbitrary<CartLine> = fc.record({
  currency: fc.constantFrom("USD", "EUR", "JPY", "KWD"),
  units: fc.integer({ min: 0, max: 100_000_000 }),
  featured: fc.boolean(),
  tierId: fc.constantFrom(null, "gold"),
});

function serverPoints(program: Program, line: CartLine, productMultiplierFacts: string[]) {
  const digits = minorUnitDigits(line.currency);
  // The price in the order's minor units: JPY has none, KWD thousandths.
  const units = line.currency === "JPY" ? line.units * 100 : line.units;
  const minor = Math.round((units / 100) * 10 ** digits);
  const { points } = pointsForOrder(
    program,
    {
      placedAt: NOW,
      currencyDigits: digits,
      lines: [{ lineItemId: "1", productId: "7", grossCents: minor, eligibleCents: minor }],
    },
    new Map([["7", { collectionIds: [], tags: productMultiplierFacts, productType: null }]]),
  );
  const tier = program.tiers.levels.find((level) => level.id === line.tierId);
  return { liquidCents: units, points: withMultiplier(points, tier?.earnMultiplier ?? 1) };
}

async function storefrontPoints(program: Program, liquidCents: number, line: CartLine) {
  const shop: LoadedShop = { id: "shop", domain: "shop.myshopify.com", program, programRevision: 1 };
  const query = new URLSearchParams({ product_id: "7" });
  if (line.featured) query.append("tag", "featured");
  const { multiplier } = (await productMultiplierFor(shop, query).json()) as { multiplier: number };
  const storefront = JSON.parse(JSON.stringify(publicProgram(program, NOW))) as PublicProgram;
  return pointsForPrice(storefront, liquidCents, multiplier, line.tierId);
}

describe("the storefront's 'earn N points' and the server's points agree", () => {
  it("for any program and any product price, currency and tier", async () => {
    await fc.assert(
      fc.asyncProperty(program, cartLine, async (anyProgram, line) => {
        // A minimum in yen is whole yen: the storefront does not know the currency's minor unit.
        const program = structuredClone(anyProgram);
        if (line.currency === "JPY")
          program.earning.order.minimumSubtotal = Math.floor(program.earning.order.minimumSubtotal);
        const server = serverPoints(program, line, line.featured ? ["featured"] : []);
        const storefront = await storefrontPoints(program, server.liquidCents, line);
        if (storefront.belowMinimum) {
          // Alone it earns nothing; the figure is what it adds to an order over the minimum.
          expect(server.points).toBe(0);
          const noMinimum = structuredClone(program);
          noMinimum.earning.order.minimumSubtotal = 0;
          expect(storefront.points).toBe(serverPoints(noMinimum, line, line.featured ? ["featured"] : []).points);
        } else {
          expect(storefront.points).toBe(server.points);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
