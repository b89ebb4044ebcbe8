/**
 * The round-up shoppers add at cart and checkout (docs/giving.md, docs/decisions/0028): a donation
 * variant priced at one minor unit of the shop's currency, bought in the quantity this returns.
 * Integers of minor units throughout, so 0.73 is 73 and never 0.7299999. Shared by the theme's
 * script (extensions/tally-theme/src/round-up.ts) and the checkout extension
 * (extensions/tally-checkout/src/RoundUp.tsx).
 */

export type RoundUpRule = "next_unit" | "next_5" | "fixed";

/** Minor units in one unit of the currency: 100 for USD, 1 for JPY, 1000 for KWD. */
export function minorUnitsPerUnit(currencyCode: string): number {
  try {
    const digits = new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).resolvedOptions()
      .maximumFractionDigits;
    return 10 ** (digits ?? 2);
  } catch {
    return 100;
  }
}

/**
 * The donation, in minor units, for a cart whose other lines come to `subtotal` minor units:
 * `next_unit` and `next_5` bring it to the next whole unit or multiple of 5 units (a full step when
 * it is one already: a round-up is never 0); `fixed` is the whole units the shopper picked.
 */
export function roundUpAmount(rule: RoundUpRule, subtotal: number, unit: number, fixedUnits = 0): number {
  if (rule === "fixed") return fixedUnits * unit;
  const step = rule === "next_5" ? 5 * unit : unit;
  return step - (((subtotal % step) + step) % step);
}
