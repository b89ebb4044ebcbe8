import type { TFunction } from "i18next";
import type { Reward } from "~/loyalty/program/program";

/** What a reward gives, in the merchant's words ("$5.00 off the order"); `money` formats an amount in the shop's currency. */
export function describeReward(t: TFunction, reward: Reward, money: (amount: number) => string): string {
  switch (reward.type) {
    case "fixed_amount":
      return t("rewards.gives.fixed_amount", { amount: money(reward.amount) });
    case "percentage":
      return t("rewards.gives.percentage", { percentage: reward.percentage });
    case "free_shipping":
      return t("rewards.gives.free_shipping");
    case "free_product":
      return t("rewards.gives.free_product");
    case "variable":
      return t("rewards.gives.variable", { points: reward.pointsPerStep, amount: money(reward.amountPerStep) });
    case "store_credit":
      return t("rewards.gives.store_credit", { points: reward.pointsPerStep, amount: money(reward.amountPerStep) });
  }
}

/** Which other discounts a code works with, as a sentence (Shopify's combinesWith). */
export function describeCombinations(t: TFunction, combinesWith: Reward["combinesWith"]): string {
  const kinds = (["orderDiscounts", "productDiscounts", "shippingDiscounts"] as const).filter(
    (kind) => combinesWith[kind],
  );
  if (!kinds.length) return t("rewards.combinations.none");
  return t("rewards.combinations.some", {
    kinds: kinds.map((kind) => t(`rewards.combinations.kinds.${kind}`)).join(", "),
  });
}

/** A new reward's starting point for each type. */
export function newReward(type: Reward["type"], id: string, name: string): Reward {
  const common = {
    id,
    name,
    minimumOrder: null,
    scope: { productIds: [], collectionIds: [] },
    tierIds: [],
    membersOnly: false,
    codePrefix: "TALLY-",
    codeLifetimeDays: 30,
    combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
  };
  switch (type) {
    case "fixed_amount":
      return { ...common, type, pointsCost: 500, amount: 5 };
    case "percentage":
      return { ...common, type, pointsCost: 1000, percentage: 10 };
    case "free_shipping":
      return { ...common, type, pointsCost: 300, maxShippingPrice: null };
    case "free_product":
      return { ...common, type, pointsCost: 1500, variantId: "" };
    case "variable":
      return { ...common, type, pointsPerStep: 100, amountPerStep: 1, minPoints: 100, maxPoints: 5000 };
    case "store_credit":
      return {
        ...common,
        type,
        pointsPerStep: 100,
        amountPerStep: 1,
        minPoints: 100,
        maxPoints: 10_000,
        creditExpiryDays: null,
      };
  }
}
