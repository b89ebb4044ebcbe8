import { describe, expect, it } from "vitest";
import { rewardSchema } from "~/loyalty/program/program";
import { discountInput } from "~/shopify/discounts.server";
import { rewardCode } from "./reward-codes";

const dates = { startsAt: new Date("2026-12-01T00:00:00Z"), endsAt: new Date("2026-12-31T00:00:00Z") };
const reward = (fields: Record<string, unknown>) =>
  rewardSchema.parse({ id: "r", name: "Reward", pointsCost: 100, ...fields });

describe("the discount Shopify is asked to create", () => {
  it("a percentage off a collection, from a minimum order, combining with shipping discounts", () => {
    const { mutation, input } = discountInput(
      rewardCode(
        reward({
          type: "percentage",
          percentage: 15,
          minimumOrder: 50,
          scope: { collectionIds: ["77"] },
          combinesWith: { shippingDiscounts: true },
        }),
        { code: "TALLY-ABC", customerId: "42", amountBought: null, ...dates },
      ),
    );
    expect(mutation).toBe("basic");
    expect(input).toEqual({
      title: "Reward — Tally reward TALLY-ABC",
      code: "TALLY-ABC",
      startsAt: "2026-12-01T00:00:00.000Z",
      endsAt: "2026-12-31T00:00:00.000Z",
      context: { customers: { add: ["gid://shopify/Customer/42"] } },
      usageLimit: 1,
      appliesOncePerCustomer: true,
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
      minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "50.00" } },
      customerGets: { value: { percentage: 0.15 }, items: { collections: { add: ["gid://shopify/Collection/77"] } } },
    });
  });

  it("a free product is its price off that variant, once — not every unit in the cart", () => {
    // The variant's price, as Shopify gives it when the code is made.
    const { input } = discountInput(
      rewardCode(reward({ type: "free_product", variantId: "9001" }), {
        code: "C",
        customerId: "1",
        amountBought: null,
        ...dates,
      }),
      24.5,
    );
    expect(input).toHaveProperty("customerGets", {
      value: { discountAmount: { amount: "24.50", appliesOnEachItem: false } },
      items: { products: { productVariantsToAdd: ["gid://shopify/ProductVariant/9001"] } },
    });
  });

  it("free shipping goes through the free-shipping mutation, everywhere, without a cap unless set", () => {
    const { mutation, input } = discountInput(
      rewardCode(reward({ type: "free_shipping" }), { code: "C", customerId: "1", amountBought: null, ...dates }),
    );
    expect(mutation).toBe("free_shipping");
    expect(input).toMatchObject({ destination: { all: true }, usageLimit: 1 });
    expect(input).not.toHaveProperty("maximumShippingPrice");
    expect(input).not.toHaveProperty("customerGets");
  });
});

describe("reward validation", () => {
  it("a variable reward's bounds must be whole steps", () => {
    const variable = { type: "variable", pointsPerStep: 100, amountPerStep: 1, minPoints: 100, maxPoints: 1000 };
    expect(rewardSchema.safeParse({ id: "v", name: "V", ...variable }).success).toBe(true);
    expect(rewardSchema.safeParse({ id: "v", name: "V", ...variable, maxPoints: 1050 }).success).toBe(false);
    expect(rewardSchema.safeParse({ id: "v", name: "V", ...variable, minPoints: 500, maxPoints: 200 }).success).toBe(
      false,
    );
  });
});
