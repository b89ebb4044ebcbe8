import { toMinorUnits } from "~/money/money";
import type { PaidOrder } from "./paid-order";

/**
 * The discounts Tally is behind on a paid order (issue 25's program cost, docs/accounting.md), the
 * pure part: what a reward's code and the tier and membership perks' automatic discounts took off
 * its lines and shipping, in integer minor units of the order's currency.
 */

export type OrderDiscountKind = "reward_code" | "tier_perk" | "membership_perk";

export interface OrderDiscountAmount {
  kind: OrderDiscountKind;
  /** The redemption's id for a reward's code; the discount's title for a perk. */
  reference: string;
  amountCents: bigint;
}

/** Allocations summed by the key they are kept under (undefined: not kept); an amount that is not money counts nothing. */
function sumBy<T extends { amount: string }>(
  allocations: T[],
  key: (allocation: T) => string | undefined,
  digits: number,
): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const allocation of allocations) {
    const kept = key(allocation);
    if (kept === undefined) continue;
    sums.set(kept, (sums.get(kept) ?? 0n) + (toMinorUnits(allocation.amount, digits) ?? 0n));
  }
  return sums;
}

/** What the automatic discounts with these titles took off the order, by title. */
export function perkDiscountCents(
  discounts: PaidOrder["automaticDiscounts"],
  titles: ReadonlySet<string>,
  digits: number,
): Map<string, bigint> {
  return sumBy(discounts, ({ title }) => (titles.has(title) ? title : undefined), digits);
}

/** What the rewards' codes took off the order, by redemption id; a code that is not a reward's counts nothing. */
export function rewardCodeCents(
  discounts: PaidOrder["codeDiscounts"],
  redemptionIdByCode: ReadonlyMap<string, string>,
  digits: number,
): Map<string, bigint> {
  return sumBy(discounts, ({ code }) => redemptionIdByCode.get(code.toUpperCase()), digits);
}

/** Every discount of Tally's on the order, one entry per kind and reference (none for nothing taken off). */
export function tallyOrderDiscounts(
  paid: Pick<PaidOrder, "automaticDiscounts" | "codeDiscounts">,
  known: {
    redemptionIdByCode: ReadonlyMap<string, string>;
    tierPerkTitles: ReadonlySet<string>;
    membershipPerkTitles: ReadonlySet<string>;
  },
  digits: number,
): OrderDiscountAmount[] {
  const entries = (kind: OrderDiscountKind, sums: Map<string, bigint>) =>
    [...sums].flatMap(([reference, amountCents]) => (amountCents > 0n ? [{ kind, reference, amountCents }] : []));
  return [
    ...entries("reward_code", rewardCodeCents(paid.codeDiscounts, known.redemptionIdByCode, digits)),
    ...entries("tier_perk", perkDiscountCents(paid.automaticDiscounts, known.tierPerkTitles, digits)),
    ...entries("membership_perk", perkDiscountCents(paid.automaticDiscounts, known.membershipPerkTitles, digits)),
  ];
}
