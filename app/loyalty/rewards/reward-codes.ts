import type { Reward } from "~/loyalty/program/program";
import type { CodeToCreate, DiscountItems, DiscountValue } from "~/shopify/discounts.server";

/** A redemption's code: its customer, its dates and, for a variable reward, what the points bought. */
export interface RedeemedCode {
  code: string;
  customerId: string;
  amountBought: number | null;
  startsAt: Date;
  endsAt: Date;
}

function items(reward: Reward): DiscountItems {
  if (reward.scope.productIds.length) return { productIds: reward.scope.productIds };
  if (reward.scope.collectionIds.length) return { collectionIds: reward.scope.collectionIds };
  return "all";
}

function value(reward: Reward, amountBought: number | null): DiscountValue {
  switch (reward.type) {
    case "fixed_amount":
      return { type: "amount_off", amount: reward.amount, items: items(reward) };
    case "variable":
      return { type: "amount_off", amount: amountBought ?? 0, items: items(reward) };
    case "percentage":
      return { type: "percentage_off", percentage: reward.percentage, items: items(reward) };
    case "free_product":
      return { type: "variant_price_off", variantId: reward.variantId };
    case "free_shipping":
      return { type: "free_shipping", maxShippingPrice: reward.maxShippingPrice };
    case "store_credit":
      throw new Error("a store credit reward is credited, not given as a code");
  }
}

/**
 * The discount code a redemption gives: for that customer only, usable once, between the
 * redemption's dates, combining as the merchant chose.
 */
export function rewardCode(reward: Reward, redeemed: RedeemedCode): CodeToCreate {
  return {
    title: `${reward.name} — Tally reward ${redeemed.code}`,
    code: redeemed.code,
    customerId: redeemed.customerId,
    startsAt: redeemed.startsAt,
    endsAt: redeemed.endsAt,
    combinesWith: reward.combinesWith,
    minimumSubtotal: reward.minimumOrder,
    value: value(reward, redeemed.amountBought),
  };
}
