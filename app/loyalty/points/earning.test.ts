import { describe, expect, it } from "vitest";
import {
  bonusMultiplierAt,
  lineMultiplier,
  pointsForOrder,
  pointsOrderKeeps,
  segmentsToAsk,
  withMultipliers,
  type EligibleLine,
} from "./earning";
import { defaultProgram, programSchema, type Program } from "~/loyalty/program/program";

const line = (lineItemId: string, cents: number, productId: string | null = null): EligibleLine => ({
  lineItemId,
  productId,
  grossCents: cents,
  eligibleCents: cents,
});
const placedAt = new Date("2026-06-15T12:00:00Z");
const withOrderRule = (
  changes: Partial<Program["earning"]["order"]>,
  extra: Partial<Program["earning"]> = {},
): Program =>
  programSchema.parse({
    ...defaultProgram(),
    earning: { ...defaultProgram().earning, ...extra, order: { ...defaultProgram().earning.order, ...changes } },
  });

describe("the default program", () => {
  it("an order of 120.00 earns 120 points; 120.99 still earns 120", () => {
    expect(pointsForOrder(defaultProgram(), { placedAt, currencyDigits: 2, lines: [line("a", 12000)] }).points).toBe(
      120,
    );
    expect(pointsForOrder(defaultProgram(), { placedAt, currencyDigits: 2, lines: [line("a", 12099)] }).points).toBe(
      120,
    );
  });

  it("earns nothing on an order of nothing", () => {
    expect(pointsForOrder(defaultProgram(), { placedAt, currencyDigits: 2, lines: [] }).points).toBe(0);
  });
});

describe("rates and rounding", () => {
  it("applies points per currency unit with the chosen rounding", () => {
    const order = { placedAt, currencyDigits: 2, lines: [line("a", 1050)] }; // 10.50
    expect(pointsForOrder(withOrderRule({ pointsPerCurrencyUnit: 5 }), order).points).toBe(52);
    expect(pointsForOrder(withOrderRule({ pointsPerCurrencyUnit: 0.1, rounding: "round" }), order).points).toBe(1);
    expect(pointsForOrder(withOrderRule({ pointsPerCurrencyUnit: 0.1, rounding: "ceil" }), order).points).toBe(2);
    expect(pointsForOrder(withOrderRule({ pointsPerCurrencyUnit: 0.1, rounding: "floor" }), order).points).toBe(1);
  });

  it("rounds exactly: 0.1 points per unit on 30.00 is 3, not 2.9999999999999996 floored to 2", () => {
    expect(
      pointsForOrder(withOrderRule({ pointsPerCurrencyUnit: 0.1 }), {
        placedAt,
        currencyDigits: 2,
        lines: [line("a", 3000)],
      }).points,
    ).toBe(3);
  });

  it("awards nothing below the minimum order, and everything from it", () => {
    const program = withOrderRule({ minimumSubtotal: 50 });
    expect(pointsForOrder(program, { placedAt, currencyDigits: 2, lines: [line("a", 4999)] }).points).toBe(0);
    expect(pointsForOrder(program, { placedAt, currencyDigits: 2, lines: [line("a", 5000)] }).points).toBe(50);
  });

  it("carries the hold period of the rule", () => {
    expect(
      pointsForOrder(withOrderRule({ holdDays: 14 }), { placedAt, currencyDigits: 2, lines: [line("a", 100)] })
        .holdDays,
    ).toBe(14);
  });
});

describe("product rules", () => {
  const rules = (productRules: unknown[]) =>
    withOrderRule({ productRules: productRules as Program["earning"]["order"]["productRules"] });

  it("multiplies the lines of matching products and excludes those at 0", () => {
    const program = rules([
      { match: { productIds: ["10"] }, multiplier: 2 },
      { match: { productIds: ["20"] }, multiplier: 0 },
    ]);
    const award = pointsForOrder(program, {
      placedAt,
      currencyDigits: 2,
      lines: [line("a", 1000, "10"), line("b", 1000, "20"), line("c", 1000, "30")],
    });
    expect(award.points).toBe(30); // 20 + 0 + 10
  });

  it("matches collections, tags (any case) and product types from the product's facts", () => {
    const program = rules([
      { match: { collectionIds: ["c1"] }, multiplier: 3 },
      { match: { tags: ["Sale"] }, multiplier: 0 },
      { match: { productTypes: ["gift"] }, multiplier: 2 },
    ]);
    const facts = new Map([
      ["1", { collectionIds: ["c1"], tags: [], productType: null }],
      ["2", { collectionIds: [], tags: ["sale"], productType: null }],
      ["3", { collectionIds: [], tags: [], productType: "Gift" }],
    ]);
    const award = pointsForOrder(
      program,
      { placedAt, currencyDigits: 2, lines: [line("a", 1000, "1"), line("b", 1000, "2"), line("c", 1000, "3")] },
      facts,
    );
    expect(award.points).toBe(50); // 30 + 0 + 20
  });

  it("lets an exclusion win over a multiplier, and the highest multiplier win among several", () => {
    const productRules = programSchema.shape.earning.shape.order.unwrap().shape.productRules.parse([
      { match: { productIds: ["1"] }, multiplier: 2 },
      { match: { productIds: ["1"] }, multiplier: 3 },
      { match: { productIds: ["2"] }, multiplier: 5 },
      { match: { productIds: ["2"] }, multiplier: 0 },
    ]);
    expect(lineMultiplier(productRules, "1")).toBe(3);
    expect(lineMultiplier(productRules, "2")).toBe(0);
    expect(lineMultiplier(productRules, "9")).toBe(1);
  });
});

describe("bonus events", () => {
  const program = withOrderRule(
    {},
    {
      bonusEvents: [
        {
          name: "Double days",
          startsAt: "2026-06-14T00:00:00Z",
          endsAt: "2026-06-16T00:00:00Z",
          multiplier: 2,
          tierIds: [],
          segmentId: null,
        },
        {
          name: "Triple hour",
          startsAt: "2026-06-15T11:00:00Z",
          endsAt: "2026-06-15T13:00:00Z",
          multiplier: 3,
          tierIds: [],
          segmentId: null,
        },
      ],
    },
  );

  it("applies the strongest event running when the order was placed, without compounding", () => {
    expect(pointsForOrder(program, { placedAt, currencyDigits: 2, lines: [line("a", 1000)] }).points).toBe(30);
    expect(
      pointsForOrder(program, {
        placedAt: new Date("2026-06-14T09:00:00Z"),
        currencyDigits: 2,
        lines: [line("a", 1000)],
      }).points,
    ).toBe(20);
    expect(
      pointsForOrder(program, {
        placedAt: new Date("2026-06-16T00:00:00Z"),
        currencyDigits: 2,
        lines: [line("a", 1000)],
      }).points,
    ).toBe(10);
  });
});

describe("what an order keeps after refunds", () => {
  const order = { pointsEarned: 120, currencyDigits: 2, lines: [{ ...line("a", 12000), weightedCents: 12000 }] };

  it("a refund of 30 on an order of 120 takes back 30 points", () => {
    expect(pointsOrderKeeps(order, [[{ lineItemId: "a", subtotal: "30.00" }]], false)).toBe(90);
  });

  it("a full refund or a cancellation takes back everything, never more", () => {
    expect(
      pointsOrderKeeps(
        order,
        [[{ lineItemId: "a", subtotal: "120.00" }], [{ lineItemId: "a", subtotal: "50.00" }]],
        false,
      ),
    ).toBe(0);
    expect(pointsOrderKeeps(order, [], true)).toBe(0);
  });

  it("refunding an excluded line takes back nothing", () => {
    const mixed = {
      pointsEarned: 100,
      currencyDigits: 2,
      lines: [
        { ...line("earning", 10000), weightedCents: 10000 },
        { ...line("excluded", 5000), weightedCents: 0 },
      ],
    };
    expect(pointsOrderKeeps(mixed, [[{ lineItemId: "excluded", subtotal: "50.00" }]], false)).toBe(100);
  });
});

describe("targeted bonus events and stacked multipliers", () => {
  const event = (name: string, multiplier: number, tierIds: string[], segmentId: string | null) => ({
    name,
    startsAt: "2026-06-14T00:00:00Z",
    endsAt: "2026-06-16T00:00:00Z",
    multiplier,
    tierIds,
    segmentId,
  });
  const VIP = "gid://shopify/Segment/7";
  const program = withOrderRule(
    {},
    { bonusEvents: [event("Everyone", 2, [], null), event("Gold", 3, ["gold"], null), event("VIP", 4, [], VIP)] },
  );
  const audience = (tierId: string | null, segments: string[] = []) => ({ tierId, segmentIds: new Set(segments) });

  it("an event for tiers or a segment reaches only its members; without an audience only events for everyone", () => {
    expect(bonusMultiplierAt(program, placedAt)).toBe(2);
    expect(bonusMultiplierAt(program, placedAt, audience(null))).toBe(2);
    expect(bonusMultiplierAt(program, placedAt, audience("gold"))).toBe(3);
    expect(bonusMultiplierAt(program, placedAt, audience("silver", [VIP]))).toBe(4);
    expect(
      pointsForOrder(program, { placedAt, currencyDigits: 2, lines: [line("a", 1000)] }, new Map(), audience("gold"))
        .points,
    ).toBe(30);
  });

  it("asks Shopify only about the segments of events running at the order's time", () => {
    expect(segmentsToAsk(program, placedAt)).toEqual([VIP]);
    expect(segmentsToAsk(program, new Date("2026-07-01T00:00:00Z"))).toEqual([]);
  });

  it("multiplies points by several multipliers exactly, rounding once", () => {
    expect(withMultipliers(100, [1.5, 2])).toBe(300);
    expect(withMultipliers(7, [1.25, 1.125])).toBe(10);
    // 5 × 1.1 × 1.1 = 6.05 → 6: one rounding, not two (5 × 1.1 = 5.5 → 6, × 1.1 = 6.6 → 7).
    expect(withMultipliers(5, [1.1, 1.1])).toBe(6);
  });
});
