/**
 * Tally's Shopify Flow triggers. Each is a `flow_trigger` extension under extensions/ whose
 * handle and name are these, and whose fields are the keys of its `Fields` below (Flow keys are
 * letters and spaces only); test/app-config.test.ts keeps the two in step. A trigger is about a
 * customer (a member: its extension's first field is the customer reference) or about the shop
 * itself (no reference: the workflow acts on the store).
 */
export const FLOW_TRIGGERS = {
  pointsEarned: { handle: "tally-points-earned", name: "Loyalty points earned", subject: "customer" },
  rewardRedeemed: { handle: "tally-reward-redeemed", name: "Loyalty reward redeemed", subject: "customer" },
  tierChanged: { handle: "tally-tier-changed", name: "Loyalty tier changed", subject: "customer" },
  pointsExpiring: { handle: "tally-points-expiring", name: "Loyalty points expiring soon", subject: "customer" },
  billingCap: { handle: "tally-billing-cap", name: "Loyalty billing cap approaching", subject: "shop" },
  challengeCompleted: { handle: "tally-challenge-completed", name: "Loyalty challenge completed", subject: "customer" },
  badgeEarned: { handle: "tally-badge-earned", name: "Loyalty badge earned", subject: "customer" },
  surprise: { handle: "tally-surprise", name: "Loyalty surprise sent", subject: "customer" },
  winBackOffer: { handle: "tally-win-back-offer", name: "Loyalty win-back offer", subject: "customer" },
  bonusEventStarted: { handle: "tally-bonus-event-started", name: "Loyalty bonus event started", subject: "shop" },
  membershipStarted: { handle: "tally-membership-started", name: "Paid membership started", subject: "customer" },
  membershipRenewed: { handle: "tally-membership-renewed", name: "Paid membership renewed", subject: "customer" },
  membershipEndingSoon: {
    handle: "tally-membership-ending-soon",
    name: "Paid membership ending soon",
    subject: "customer",
  },
  membershipEnded: { handle: "tally-membership-ended", name: "Paid membership ended", subject: "customer" },
  surveyAnswered: { handle: "tally-survey-answered", name: "Loyalty survey answered", subject: "customer" },
  donationMade: { handle: "tally-donation-made", name: "Loyalty donation made", subject: "customer" },
} as const;

export type FlowTrigger = keyof typeof FLOW_TRIGGERS;

/** Who an event of the trigger is about: a member's id, or null for the shop. */
export type FlowEventSubject<T extends FlowTrigger> = (typeof FLOW_TRIGGERS)[T]["subject"] extends "customer"
  ? string
  : null;

export interface FlowTriggerFields {
  pointsEarned: {
    Points: number;
    "Points balance": number;
    "Pending points": number;
    Reason: string;
    "Available now": boolean;
    /** The next best reward (program/next-reward.ts) in the shop's language, "" for none; 0 points then. */
    "Next reward": string;
    "Points to next reward": number;
  };
  rewardRedeemed: {
    "Reward name": string;
    "Points spent": number;
    "Discount code": string;
    "Code expires at": string;
    /** A decimal string in the credit's currency ("6.00"); "" for a discount code. */
    "Store credit": string;
    "Store credit currency": string;
    "Store credit expires at": string;
    "Points balance": number;
  };
  tierChanged: { "Previous tier": string; "New tier": string; Direction: "up" | "down"; "Points balance": number };
  pointsExpiring: { "Points expiring": number; "Expires at": string; "Days left": number };
  /** Amounts are decimal strings in the subscription's currency ("75.00"): no words, no language. */
  billingCap: { "Percent used": number; "Balance used": string; "Capped amount": string; Currency: string };
  /** Names in the shop's language; "Reward" is the catalog reward's name, "" for points. */
  challengeCompleted: {
    "Challenge id": string;
    "Challenge name": string;
    Points: number;
    Reward: string;
    "Discount code": string;
    "Points balance": number;
  };
  badgeEarned: { "Badge id": string; "Badge name": string; Icon: string; "Badges earned": number };
  /** A campaign's award: the merchant's message for Shopify Email or Klaviyo to tell the shopper. */
  surprise: {
    "Campaign name": string;
    Message: string;
    Points: number;
    Reward: string;
    "Discount code": string;
    "Points balance": number;
  };
  winBackOffer: {
    Multiplier: number;
    "Ends at": string;
    "Points balance": number;
    "Next reward": string;
    "Points to next reward": number;
  };
  /** Tiers: the tiers' names joined by ", " ("" for everyone); Segment: the segment's gid or "". */
  bonusEventStarted: {
    "Event name": string;
    Multiplier: number;
    "Starts at": string;
    "Ends at": string;
    Tiers: string;
    Segment: string;
  };
  /** The plan's name in the shop's language; dates ISO 8601. */
  membershipStarted: { "Plan id": string; "Plan name": string; "Paid through": string; "Auto renews": boolean };
  membershipRenewed: { "Plan id": string; "Plan name": string; "Paid through": string; "Auto renews": boolean };
  membershipEndingSoon: {
    "Plan id": string;
    "Plan name": string;
    "Paid through": string;
    "Days left": number;
    "Auto renews": boolean;
  };
  membershipEnded: { "Plan id": string; "Plan name": string; "Paid through": string; "Member since": string };
  /** Category: "promoter" (9–10), "passive" (7–8) or "detractor" (0–6); the comment as written ("" for none). */
  surveyAnswered: {
    "Survey id": string;
    "Survey name": string;
    Score: number;
    Category: "promoter" | "passive" | "detractor";
    Comment: string;
    "Order id": string;
    Points: number;
  };
  /** Kind: a round-up paid at checkout or points given; Amount in the shop's currency (decimal); "Order id" empty for points. */
  donationMade: {
    "Cause id": string;
    "Cause name": string;
    Kind: "round_up" | "points";
    Amount: number;
    Currency: string;
    Points: number;
    "Order id": string;
  };
}

export const FLOW_TRIGGER_HANDLES: string[] = Object.values(FLOW_TRIGGERS).map((trigger) => trigger.handle);

/** Flow allows a payload under 50,000 bytes. */
export const FLOW_PAYLOAD_MAX_BYTES = 50_000;

export interface LifecycleState {
  enabled: boolean;
  at: string;
}

/**
 * Which of our triggers to fire, from the lifecycle callbacks Flow sent (definition id → latest
 * state). Flow names a trigger by its definition id; we recognise our handles and names. An id we
 * do not recognise, while enabled, fires every trigger: a few calls Flow ignores cost less than a
 * merchant's workflow that never runs.
 */
export function enabledTriggerHandles(lifecycle: Record<string, LifecycleState>): string[] {
  const enabled = new Set<string>();
  for (const [definitionId, state] of Object.entries(lifecycle)) {
    if (!state.enabled) continue;
    const known = Object.values(FLOW_TRIGGERS).find(
      (trigger) => trigger.handle === definitionId || trigger.name === definitionId,
    );
    for (const handle of known ? [known.handle] : FLOW_TRIGGER_HANDLES) enabled.add(handle);
  }
  return FLOW_TRIGGER_HANDLES.filter((handle) => enabled.has(handle));
}

/** A newer callback replaces the state of its trigger; an older one, arriving late, does not. */
export function applyLifecycleCallback(
  lifecycle: Record<string, LifecycleState>,
  callback: { definitionId: string; enabled: boolean; at: Date },
): Record<string, LifecycleState> | null {
  const current = lifecycle[callback.definitionId];
  if (current && Date.parse(current.at) > callback.at.getTime()) return null;
  return { ...lifecycle, [callback.definitionId]: { enabled: callback.enabled, at: callback.at.toISOString() } };
}
