import type { Referrals } from "~/loyalty/program/program";
import type { SegmentCodeToCreate } from "~/shopify/referral-discounts.server";

/**
 * The friend's offer behind a referrer's code: one shared code, for customers with no orders
 * yet (the segment), once per customer, no end date (it lives as long as the member's link).
 * Free shipping combines with order and product discounts; an amount or percentage off the
 * order combines with shipping discounts only.
 */
export function refereeCode(
  offer: Referrals["refereeReward"],
  code: string,
  segmentId: string,
  startsAt: Date,
): SegmentCodeToCreate {
  const common = { title: `Referral offer ${code} — Tally`, code, segmentId, startsAt };
  switch (offer.type) {
    case "free_shipping":
      return {
        ...common,
        value: { type: "free_shipping", maxShippingPrice: null },
        combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: false },
      };
    case "percentage":
    case "fixed_amount":
      return {
        ...common,
        value:
          offer.type === "percentage"
            ? { type: "percentage_off", percentage: offer.percentage, items: "all" }
            : { type: "amount_off", amount: offer.amount, items: "all" },
        combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
      };
  }
}
