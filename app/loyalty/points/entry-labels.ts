import type { ShopperLanguage } from "~/languages";
import { nameIn, type Program } from "~/loyalty/program/program";
import { shopperText } from "~/shopper-text/shopper-text";
import type { LedgerKind } from "./ledger-entry";

/** What a ledger entry needs to be labelled; the order's name when it has one. */
export interface LabelledEntry {
  kind: string;
  sourceType: string | null;
  sourceId: string | null;
  reason: string | null;
  orderName: string | null;
}

/**
 * A ledger entry's label in the reader's language: the same words in the admin, on the
 * storefront, in the customer account and in the extensions (app/shopper-text/<lang>.json,
 * section `ledger`). The points are shown beside it, never in it; a staff note (`reason` on an
 * adjustment or import) is the admin's to add.
 */
export function ledgerEntryLabel(entry: LabelledEntry, program: Program, language: ShopperLanguage): string {
  const t = shopperText(language, "ledger");
  const order = entry.orderName;
  const kind = entry.kind as LedgerKind;
  switch (kind) {
    case "earn":
      return order ? t("earnOrder", { order }) : t("earn");
    case "bonus": {
      if (entry.sourceType === "signup") return t("signup");
      if (entry.sourceType === "birthday") return t("birthday");
      if (entry.sourceType === "referral") return t("referral");
      // A surprise-and-delight campaign: the campaign's name is the merchant's, not the shopper's.
      if (entry.sourceType === "campaign") return t("campaign");
      if (entry.sourceType === "membership")
        return entry.reason === "renewal" ? t("membershipRenewal") : t("membershipJoin");
      if (entry.sourceType === "survey") return t("survey");
      if (entry.sourceType === "donation") return t("donationBonus");
      // Shopify Flow's "Award points": the reason the merchant's workflow gave.
      if (entry.sourceType === "flow") return entry.reason ? t("flowAward", { reason: entry.reason }) : t("bonus");
      if (entry.sourceType !== "tier") return t("bonus");
      const tier = tierName(program, entry.sourceId, language);
      return tier ? t("tier", { tier }) : t("tierUnknown");
    }
    case "action": {
      const action = program.earning.customActions.find((candidate) => candidate.key === entry.sourceId);
      return action ? t("action", { action: nameIn(action, language) }) : t("actionUnknown");
    }
    // The partner's name (and the description it sent), as it was when the points were awarded.
    case "partner":
      return entry.reason ? t("partner", { partner: entry.reason }) : t("partnerUnknown");
    case "import":
      return t("import");
    case "adjust":
      // Shopify Flow's "Deduct points" says why; a staff member's note is the admin's to add.
      if (entry.sourceType === "flow" && entry.reason) return t("flowDeduct", { reason: entry.reason });
      return t("adjust");
    case "redeem":
      // Points given to a cause: the cause's name as it was when they were given.
      if (entry.sourceType === "donation" && entry.reason) return t("donated", { cause: entry.reason });
      return entry.reason ? t("redeem", { reward: entry.reason }) : t("redeemUnknown");
    case "reverse":
      if (entry.sourceType === "refund") return order ? t("refundOrder", { order }) : t("refund");
      if (entry.sourceType === "cancellation") return order ? t("cancellationOrder", { order }) : t("cancellation");
      if (entry.sourceType === "referral") return t("referralReversed");
      if (entry.sourceType === "membership") return t("membershipReversed");
      if (entry.sourceType === "survey") return t("surveyReversed");
      if (entry.sourceType === "donation") return t("donationBonusReversed");
      // A redemption's refund says why (redemptions.server.ts failRedemption).
      if (entry.reason?.startsWith("store credit not credited")) return t("storeCreditNotCredited");
      return t("codeUnused");
    case "release":
      return order ? t("releaseOrder", { order }) : t("release");
    case "expire":
      return t("expire");
    case "merge_in":
      return t("mergeIn");
    case "merge_out":
      return t("mergeOut");
    default: {
      const unknown: never = kind;
      return t("unknown", { kind: String(unknown) });
    }
  }
}

function tierName(program: Program, tierId: string | null, language: ShopperLanguage): string | null {
  const level = program.tiers.levels.find((candidate) => candidate.id === tierId);
  return level ? nameIn(level, language) : null;
}
