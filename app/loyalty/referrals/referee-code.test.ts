import { describe, expect, it } from "vitest";
import { segmentDiscountInput } from "~/shopify/referral-discounts.server";
import { refereeCode } from "./referee-code";

const startsAt = new Date("2026-12-01T00:00:00Z");

describe("the friend's offer Shopify is asked to create", () => {
  it("a percentage off the whole order, for customers with no orders yet, combining with shipping discounts", () => {
    const { mutation, input } = segmentDiscountInput(
      refereeCode({ type: "percentage", percentage: 10 }, "ANN42", "gid://shopify/Segment/7", startsAt),
    );
    expect(mutation).toBe("basic");
    expect(input).toEqual({
      title: "Referral offer ANN42 — Tally",
      code: "ANN42",
      startsAt: "2026-12-01T00:00:00.000Z",
      context: { customerSegments: { add: ["gid://shopify/Segment/7"] } },
      appliesOncePerCustomer: true,
      customerGets: { value: { percentage: 0.1 }, items: { all: true } },
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
    });
  });

  it("an amount off", () => {
    const { input } = segmentDiscountInput(
      refereeCode({ type: "fixed_amount", amount: 5 }, "ANN42", "gid://shopify/Segment/7", startsAt),
    );
    expect(input).toMatchObject({
      customerGets: { value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } }, items: { all: true } },
    });
  });

  it("free shipping everywhere, combining with order and product discounts, without a cap", () => {
    const { mutation, input } = segmentDiscountInput(
      refereeCode({ type: "free_shipping" }, "ANN42", "gid://shopify/Segment/7", startsAt),
    );
    expect(mutation).toBe("free_shipping");
    expect(input).toMatchObject({
      destination: { all: true },
      combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: false },
    });
    expect(input).not.toHaveProperty("maximumShippingPrice");
    expect(input).not.toHaveProperty("customerGets");
  });
});
