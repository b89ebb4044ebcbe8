import { createHash } from "node:crypto";
import { SHOPPER_LANGUAGES, type ShopperLanguage } from "~/languages";
import { tierTag, type Program, type TierPerks } from "~/loyalty/program/program";
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

/** The paid membership's perks ride the tier perks' machinery under this id (no tier id has a colon). */
export const MEMBERSHIP_PERK_TIER = "membership:paid";

/** Who a set of perk discounts is for: a VIP tier, or the paid membership's paying members. */
interface PerkAudience {
  tierId: string;
  name: string;
  perks: TierPerks;
  segmentName: string;
  customerTag: string;
}

function perkAudiences(program: Program): PerkAudience[] {
  const tiers = program.tiers.levels.flatMap((level) =>
    level.perks
      ? [
          {
            tierId: level.id,
            name: level.name,
            perks: level.perks,
            segmentName: `Tally tier: ${level.name} (${level.id})`,
            customerTag: tierTag(program, level),
          },
        ]
      : [],
  );
  const { membership } = program;
  if (!membership.enabled || !membership.perks.discounts) return tiers;
  return [
    ...tiers,
    {
      tierId: MEMBERSHIP_PERK_TIER,
      name: membership.name,
      perks: membership.perks.discounts,
      segmentName: `Tally paid members: ${membership.name}`,
      customerTag: membership.perks.tag,
    },
  ];
}

/**
 * What Shopify should hold for the program's tier perks (and the paid membership's, under
 * MEMBERSHIP_PERK_TIER); nothing when the program is off. Shoppers read a discount's title at
 * checkout: it is in the shop's `language`.
 */
export function desiredTierPerks(program: Program, language: ShopperLanguage = "en"): DesiredTierPerk[] {
  if (!program.enabled) return [];
  const t = shopperText(language, "perks");
  return perkAudiences(program).flatMap(({ tierId, name, perks, segmentName, customerTag }): DesiredTierPerk[] => {
    const { percentageOff, freeShipping } = perks;
    if (!percentageOff && !freeShipping) return [];
    const segment = { name: segmentName, query: `customer_tags CONTAINS ${quotedValue(customerTag)}` };
    const items: DesiredTierPerk[] = [{ tierId, kind: "segment", ...segment, hash: hashOf(segment) }];
    if (percentageOff) {
      const perk = {
        title: t("percentage_off", { tier: name, percentage: percentageOff.percentage }),
        tag: perkTag(tierId, "percentage_off"),
        combinesWith: percentageOff.combinesWith,
        value: {
          type: "percentage_off" as const,
          percentage: percentageOff.percentage,
          collectionIds: percentageOff.collectionIds,
        },
      };
      items.push({ tierId, kind: "percentage_off", ...perk, hash: hashOf(perk) });
    }
    if (freeShipping) {
      const perk = {
        title: t("free_shipping", { tier: name }),
        tag: perkTag(tierId, "free_shipping"),
        combinesWith: freeShipping.combinesWith,
        value: { type: "free_shipping" as const, minimumSubtotal: freeShipping.minimumSubtotal },
      };
      items.push({ tierId, kind: "free_shipping", ...perk, hash: hashOf(perk) });
    }
    return items;
  });
}

/** The titles the paid membership's discounts have at checkout, in every shopper language (its savings count them on orders). */
export function membershipPerkTitles(program: Program): Set<string> {
  return perkTitles(program, (tierId) => tierId === MEMBERSHIP_PERK_TIER);
}

/** The titles the VIP tiers' perk discounts have at checkout, in every shopper language (the program's cost counts them). */
export function tierPerkTitles(program: Program): Set<string> {
  return perkTitles(program, (tierId) => tierId !== MEMBERSHIP_PERK_TIER);
}

function perkTitles(program: Program, audience: (tierId: string) => boolean): Set<string> {
  return new Set(
    SHOPPER_LANGUAGES.flatMap((language) =>
      desiredTierPerks(program, language).flatMap((item) =>
        audience(item.tierId) && item.kind !== "segment" ? [item.title] : [],
      ),
    ),
  );
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
