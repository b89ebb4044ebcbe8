import { createHash } from "node:crypto";
import type { ShopperLanguage } from "~/languages";
import { tierTag, type Program, type TierLevel } from "~/loyalty/program/program";
import { shopperText } from "~/shopper-text/shopper-text";

/**
 * VIP tier perks as Shopify should hold them: for each tier with a perk, a customer segment of the
 * customers carrying the tier's tag (the member sync keeps the tags), and one automatic discount
 * per perk limited to that segment. Pure: the sync (perks.server.ts) compares this with what it
 * made, by hash.
 */

export const TIER_PERK_KINDS = ["segment", "percentage_off", "free_shipping"] as const;
export type TierPerkKind = (typeof TIER_PERK_KINDS)[number];
export type PerkKind = Exclude<TierPerkKind, "segment">;

/** active: Shopify has it as the program says; failed: Shopify refused it; missing: deleted in Shopify. */
export const TIER_PERK_STATUSES = ["active", "failed", "missing"] as const;
export type TierPerkSyncStatus = (typeof TIER_PERK_STATUSES)[number];

export interface DesiredSegment {
  tierId: string;
  kind: "segment";
  name: string;
  query: string;
  hash: string;
}

export interface DesiredPerkDiscount {
  tierId: string;
  kind: PerkKind;
  title: string;
  /** Names the discount for Tally (found again by it after a lost answer), whatever the merchant renames. */
  tag: string;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  value:
    | { type: "percentage_off"; percentage: number; collectionIds: string[] }
    | { type: "free_shipping"; minimumSubtotal: number | null };
  hash: string;
}

export type DesiredTierPerk = DesiredSegment | DesiredPerkDiscount;

const hashOf = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 32);

/** The segment query language's quoted string. */
const quotedValue = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export const perkTag = (tierId: string, kind: PerkKind) => `tally-perk:${tierId}:${kind}`;

/**
 * What Shopify should hold for the program's tier perks; nothing when the program is off. Shoppers
 * read a discount's title at checkout: it is in the shop's `language`.
 */
export function desiredTierPerks(program: Program, language: ShopperLanguage = "en"): DesiredTierPerk[] {
  if (!program.enabled) return [];
  const t = shopperText(language, "perks");
  return program.tiers.levels.flatMap((level): DesiredTierPerk[] => {
    const { percentageOff, freeShipping } = level.perks ?? { percentageOff: null, freeShipping: null };
    if (!percentageOff && !freeShipping) return [];
    const segment = {
      name: `Tally tier: ${level.name} (${level.id})`,
      query: `customer_tags CONTAINS ${quotedValue(tierTag(program, level))}`,
    };
    const items: DesiredTierPerk[] = [{ tierId: level.id, kind: "segment", ...segment, hash: hashOf(segment) }];
    if (percentageOff) {
      const perk = {
        title: t("percentage_off", { tier: level.name, percentage: percentageOff.percentage }),
        tag: perkTag(level.id, "percentage_off"),
        combinesWith: percentageOff.combinesWith,
        value: {
          type: "percentage_off" as const,
          percentage: percentageOff.percentage,
          collectionIds: percentageOff.collectionIds,
        },
      };
      items.push({ tierId: level.id, kind: "percentage_off", ...perk, hash: hashOf(perk) });
    }
    if (freeShipping) {
      const perk = {
        title: t("free_shipping", { tier: level.name }),
        tag: perkTag(level.id, "free_shipping"),
        combinesWith: freeShipping.combinesWith,
        value: { type: "free_shipping" as const, minimumSubtotal: freeShipping.minimumSubtotal },
      };
      items.push({ tierId: level.id, kind: "free_shipping", ...perk, hash: hashOf(perk) });
    }
    return items;
  });
}

/** What the admin shows for one perk: where Shopify stands against what the program says. */
export type PerkStatus =
  { status: "active" } | { status: "pending" } | { status: "failed"; reason: string } | { status: "missing" };

/** A perk's status, from the program's desired state and the sync's row for it. */
export function perkStatus(
  desired: DesiredTierPerk,
  row: { desiredHash: string; status: string; lastError: string | null } | undefined,
): PerkStatus {
  if (!row || row.desiredHash !== desired.hash) return { status: "pending" };
  if (row.status === "failed") return { status: "failed", reason: row.lastError ?? "" };
  if (row.status === "missing") return { status: "missing" };
  return { status: "active" };
}

/** A perk as shoppers read it (the member view, the extensions); amounts in the shop's currency. */
export type PublicPerk =
  | { type: "percentage_off"; percentage: number; collectionIds: string[] }
  | { type: "free_shipping"; minimumSubtotal: number | null; currencyCode: string | null };

/** What a member of this tier gets at checkout without a code; nothing while the program is off. */
export function publicTierPerks(
  program: Pick<Program, "enabled">,
  level: Pick<TierLevel, "perks">,
  currencyCode: string | null,
): PublicPerk[] {
  if (!program.enabled || !level.perks) return [];
  const { percentageOff, freeShipping } = level.perks;
  const perks: PublicPerk[] = [];
  if (percentageOff)
    perks.push({
      type: "percentage_off",
      percentage: percentageOff.percentage,
      collectionIds: percentageOff.collectionIds,
    });
  if (freeShipping)
    perks.push({
      type: "free_shipping",
      minimumSubtotal: freeShipping.minimumSubtotal,
      currencyCode: freeShipping.minimumSubtotal === null ? null : currencyCode,
    });
  return perks;
}
