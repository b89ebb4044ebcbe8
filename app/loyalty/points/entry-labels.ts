import type { Program } from "~/loyalty/program/program";
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
 * A ledger entry's label: the same words in the admin, on the storefront, in the customer
 * account and in the extensions. The points are shown beside it, never in it; a staff note
 * (`reason` on an adjustment or import) is the admin's to add.
 */
export function ledgerEntryLabel(entry: LabelledEntry, program: Program): string {
  const order = entry.orderName ? `order ${entry.orderName}` : "an order";
  const kind = entry.kind as LedgerKind;
  switch (kind) {
    case "earn":
      return `Earned on ${order}`;
    case "bonus":
      if (entry.sourceType === "signup") return "Welcome bonus for joining";
      if (entry.sourceType === "birthday") return "Birthday bonus";
      if (entry.sourceType === "tier") return `Bonus for reaching ${tierName(program, entry.sourceId) ?? "a new tier"}`;
      if (entry.sourceType === "referral") return "A friend you referred placed their first order";
      return "Bonus points";
    case "action": {
      const action = program.earning.customActions.find((candidate) => candidate.key === entry.sourceId);
      return `Points for ${action?.name ?? "an activity"}`;
    }
    case "import":
      return "Brought over from a previous rewards program";
    case "adjust":
      return "Adjusted by the store";
    case "redeem":
      return `Redeemed: ${entry.reason ?? "a reward"}`;
    case "reverse":
      if (entry.sourceType === "refund") return `Taken back: ${order} refunded`;
      if (entry.sourceType === "cancellation") return `Taken back: ${order} cancelled`;
      if (entry.sourceType === "referral") return "Taken back: the referred friend's order was refunded";
      return "Points returned: the reward's code was not used";
    case "release":
      return entry.orderName ? `Pending points now available for ${order}` : "Pending points now available";
    case "expire":
      return "Points expired";
    case "merge_in":
      return "Moved in from a merged customer account";
    case "merge_out":
      return "Moved to the customer account this one was merged into";
    default: {
      const unknown: never = kind;
      return `Points (${String(unknown)})`;
    }
  }
}

const tierName = (program: Program, tierId: string | null) =>
  tierId === null ? null : (program.tiers.levels.find((level) => level.id === tierId)?.name ?? null);
