/**
 * Redemptions at Shopify's point of sale (docs/pos.md): staff redeem for the customer at the
 * counter, and may undo it for a short while if the sale is abandoned.
 */

/** Where a redemption was made ("Redemption".channel; the database checks the same list). */
export const REDEMPTION_CHANNELS = ["online", "pos"] as const;
export type RedemptionChannel = (typeof REDEMPTION_CHANNELS)[number];

/** How long staff may undo a redemption made at the point of sale: long enough for an abandoned sale. */
export const POS_REVERSAL_WINDOW_MS = 30 * 60_000;

/** Who redeemed at the counter: the staff member pinned in and the location as the POS reports them, and the signed-in Shopify user. */
export interface PosContext {
  staffMemberId: string | null;
  locationId: string | null;
  userId: string;
}

export type ReversalRefusal =
  /** Made online: the shopper holds the code, staff cannot take it back. */
  | "not_pos"
  /** An order used the code: the points paid for that sale. */
  | "used"
  /** Shopify has not made the code yet (or never will): nothing to delete for sure. */
  | "not_active"
  /** Points turned into Shopify store credit: the money is the customer's, not a code to delete. */
  | "store_credit"
  | "window_passed";

/** Why a redemption cannot be undone now, or null when it can. A reversed one is answered as such before this. */
export function reversalRefusal(
  redemption: { channel: string; status: string; createdAt: Date; rewardType: string },
  now: Date,
): ReversalRefusal | null {
  if (redemption.channel !== "pos") return "not_pos";
  if (redemption.rewardType === "store_credit") return "store_credit";
  if (redemption.status === "used") return "used";
  if (redemption.status !== "active") return "not_active";
  if (now.getTime() - redemption.createdAt.getTime() > POS_REVERSAL_WINDOW_MS) return "window_passed";
  return null;
}
