import type { Member } from "./tally-api";

interface PerkI18n {
  translate: (key: string, values?: Record<string, string | number>) => string;
  formatNumber: (value: number, options?: { minimumFractionDigits?: number }) => string;
  formatCurrency: (value: number, options: { currency: string }) => string;
}

/**
 * The member's tier perks in the shopper's words ("Gold: 10% off everything, applied at checkout"),
 * with the extension's `perks.*` strings; none outside a tier or without perks.
 */
export function perkLines(member: Pick<Member, "tier">, i18n: PerkI18n): string[] {
  const tier = member.tier;
  if (!tier?.perks?.length) return [];
  return tier.perks.map((perk) => {
    if (perk.type === "percentage_off")
      return i18n.translate(perk.collectionIds.length ? "perks.percentageSome" : "perks.percentageAll", {
        tier: tier.name,
        percentage: i18n.formatNumber(perk.percentage),
      });
    if (perk.minimumSubtotal === null) return i18n.translate("perks.freeShipping", { tier: tier.name });
    const amount = perk.currencyCode
      ? i18n.formatCurrency(perk.minimumSubtotal, { currency: perk.currencyCode })
      : i18n.formatNumber(perk.minimumSubtotal, { minimumFractionDigits: 2 });
    return i18n.translate("perks.freeShippingOver", { tier: tier.name, amount });
  });
}
