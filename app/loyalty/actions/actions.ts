import type { CustomAction, Program } from "~/loyalty/program/program";

/**
 * Custom actions: what a shopper does outside orders (a review, a follow, a newsletter signup),
 * worth fixed points per the action's limits. The rules here are pure; actions.server.ts awards.
 */

/** The event a shopper's own claim is: one per shopper and action, whatever they click. */
export const CLAIM_EVENT = "claim";
/** The event Shopify's email marketing consent is: one per shopper and action, however often it is confirmed. */
export const NEWSLETTER_EVENT = "newsletter";

/** The ledger key of an action earned for an event (a member's id, never a customer's: docs/decisions/0016). */
export const actionEntryKey = (actionKey: string, memberId: string, eventId: string) =>
  `action:${actionKey}:${memberId}:${eventId}`;

/** What a member has earned of an action so far: in all, in the last 24 hours, and whether they claimed it. */
export interface ActionCounts {
  total: number;
  today: number;
  claimed: boolean;
}

export const NO_COUNTS: ActionCounts = { total: 0, today: 0, claimed: false };

/** Whether the member has earned the action as often as its limits allow. */
export function reachedLimit(action: Pick<CustomAction, "limitPerCustomer" | "limitPerDay">, counts: ActionCounts) {
  if (action.limitPerCustomer !== null && counts.total >= action.limitPerCustomer) return true;
  return action.limitPerDay !== null && counts.today >= action.limitPerDay;
}

/** The actions shoppers claim themselves (the program requires each to have a link). */
export const claimableActions = (program: Pick<Program, "earning">) =>
  program.earning.customActions.filter((action) => action.claimable && action.url !== null);

/** The actions Tally awards when Shopify says the customer subscribed to email marketing. */
export const newsletterActions = (program: Pick<Program, "earning">) =>
  program.earning.customActions.filter((action) => action.verifiedBy === "newsletter");

/**
 * Where a shopper stands with a claimable action: `open` to claim, `claimed` (their claim was
 * awarded), or `limit_reached` (earned as often as allowed some other way, or today's limit).
 */
export type ClaimStatus = "open" | "claimed" | "limit_reached";

export function claimStatus(action: CustomAction, counts: ActionCounts): ClaimStatus {
  if (counts.claimed) return "claimed";
  return reachedLimit(action, counts) ? "limit_reached" : "open";
}
