import { fromBigInt } from "~/db/bigint";
import type { ShopperLanguage } from "~/languages";
import { nameIn, type Program } from "~/loyalty/program/program";
import { publicTierPerks, type PublicPerk } from "~/loyalty/program/storefront-program";
import { minorUnitDigits } from "~/money/currency";
import { decimalAmount, rescaleMinorUnits, toMinorUnits } from "~/money/money";
import { membershipStatus, type MembershipStatus } from "./membership";

/**
 * The paid membership as shoppers read it (the member API, docs/membership.md): the offer to join,
 * for guests and shoppers who are not paying, and a member's own membership with what it saved
 * them. Pure: view.server.ts reads the row.
 */

/** A plan a shopper can buy: its variant goes in the cart (theme), its product page is linked (customer account). */
export interface PublicMembershipPlan {
  id: string;
  name: string;
  interval: "month" | "year";
  intervalCount: number;
  /** Decimal text in the shop's currency ("79.00", "7900" in JPY). */
  price: string;
  currencyCode: string | null;
  variantId: string;
  productHandle: string | null;
  /** `https://<shop>.myshopify.com/products/<handle>?variant=<id>` (Shopify sends it on to the primary domain); null without a handle. */
  productUrl: string | null;
}

export interface PublicMembershipOffer {
  name: string;
  plans: PublicMembershipPlan[];
  perks: {
    earnMultiplier: number;
    joinBonusPoints: number;
    renewalBonusPoints: number;
    discounts: PublicPerk[];
  };
}

/** An amount of the program (a number with at most two decimals) as Shopify's decimal text in `currencyCode`. */
export function programAmount(amount: number, currencyCode: string | null): string {
  const hundredths = toMinorUnits(amount.toFixed(2), 2);
  if (hundredths === null) throw new Error(`not an amount: ${amount}`);
  return decimalAmount(rescaleMinorUnits(hundredths, 2, minorUnitDigits(currencyCode)), currencyCode ?? "");
}

/**
 * The offer to join: null unless the program and its membership are on and at least one plan has
 * a variant to buy (plans without one are left out).
 */
export function membershipOffer(
  program: Program,
  language: ShopperLanguage,
  shop: { domain: string; currencyCode: string | null },
): PublicMembershipOffer | null {
  const membership = program.membership;
  const plans = membership.plans.filter((plan) => plan.variantId !== null);
  if (!program.enabled || !membership.enabled || !plans.length) return null;
  return {
    name: nameIn(membership, language),
    plans: plans.map((plan) => ({
      id: plan.id,
      name: nameIn(plan, language),
      interval: plan.interval,
      intervalCount: plan.intervalCount,
      price: programAmount(plan.price, shop.currencyCode),
      currencyCode: shop.currencyCode,
      variantId: plan.variantId!,
      productHandle: plan.productHandle,
      productUrl: plan.productHandle
        ? `https://${shop.domain}/products/${plan.productHandle}?variant=${plan.variantId}`
        : null,
    })),
    perks: {
      earnMultiplier: membership.perks.earnMultiplier,
      joinBonusPoints: membership.perks.joinBonusPoints,
      renewalBonusPoints: membership.perks.renewalBonusPoints,
      discounts: publicTierPerks(program, { perks: membership.perks.discounts }, shop.currencyCode),
    },
  };
}

/** A member's paid membership row, as view.server.ts reads it. */
export interface PaidMembershipRow {
  planId: string;
  paidThrough: Date;
  status: string;
  autoRenews: boolean;
  extraPoints: bigint;
  discountCents: bigint;
}

export interface PublicMembership {
  /** Paying: active, or within the grace after `paidThrough`. */
  active: boolean;
  status: MembershipStatus;
  planId: string;
  planName: string;
  paidThrough: string;
  autoRenews: boolean;
  /** What the perks gave so far: extra points from the multiplier, member-only discounts on orders. */
  savings: { points: number; discount: { amount: string; currencyCode: string | null } };
}

/**
 * A member's membership, or null when they never paid. The status is the row's as of `now`: a
 * membership past `paidThrough` is in grace (then ended) even before the hourly job writes it; one
 * the lifecycle ended (a refund) stays ended.
 */
export function publicMembership(
  program: Program,
  row: PaidMembershipRow | null,
  language: ShopperLanguage,
  currencyCode: string | null,
  now: Date,
): PublicMembership | null {
  if (!row) return null;
  const status: MembershipStatus =
    row.status === "ended" ? "ended" : membershipStatus(program.membership, row.paidThrough, now);
  const plan = program.membership.plans.find((candidate) => candidate.id === row.planId);
  return {
    active: status !== "ended",
    status,
    planId: row.planId,
    // A plan no longer in the program: the membership's name.
    planName: plan ? nameIn(plan, language) : nameIn(program.membership, language),
    paidThrough: row.paidThrough.toISOString(),
    autoRenews: row.autoRenews,
    savings: {
      points: fromBigInt(row.extraPoints),
      discount: { amount: decimalAmount(row.discountCents, currencyCode ?? ""), currencyCode },
    },
  };
}
