import type { Membership, MembershipPlan } from "~/loyalty/program/program";

/**
 * The paid membership's rules (issue 22), pure: what a member's paid membership orders add up to.
 * Each paid order line of a plan's variant is a grant; the membership is a fold over the grants in
 * the order they were paid, so duplicates (one grant per order line) and deliveries out of order
 * converge to the same `paidThrough`.
 */

const DAY_MS = 86_400_000;

/** One paid order line of a plan's variant that still counts (not refunded in full, not cancelled). */
export interface MembershipGrant {
  /** Order id and line id ("order:line"): a line grants once however often its order is delivered. */
  lineKey: string;
  planId: string;
  paidAt: Date;
  /** Units bought on the line: each adds the plan's period. */
  quantity: number;
}

export interface MembershipTerm {
  planId: string;
  /** When the current, unbroken membership began (a lapse past the grace starts a new one). */
  startedAt: Date;
  paidThrough: Date;
  /** Grants that extended a running membership (for the renewal bonus and Flow's "renewed"). */
  renewals: string[];
  /** The grant that started the current membership (for the join bonus and Flow's "started"). */
  startedBy: string;
}

/** `from` plus `count` months (or years), in UTC, the day clamped to the month's last (Jan 31 + 1 month = Feb 28/29). */
export function addInterval(from: Date, interval: MembershipPlan["interval"], count: number): Date {
  const months = interval === "year" ? 12 * count : count;
  const target = new Date(from.getTime());
  const day = from.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

/** The plan a paid order line buys, from its variant; null when the line is no membership. */
export function planForVariant(membership: Membership, variantId: string | null): MembershipPlan | null {
  if (!variantId) return null;
  return membership.plans.find((plan) => plan.variantId === variantId) ?? null;
}

/**
 * The memberships the grants add up to, oldest first: the last is the current one. A grant paid
 * while a membership runs (or within its grace) extends it from its end; one paid later, after the
 * grace, starts a new membership from its own payment. Grants of plans no longer in the program,
 * and grants refunded or cancelled in full (no units left), count for nothing.
 */
export function membershipTerms(membership: Membership, grants: MembershipGrant[]): MembershipTerm[] {
  const ordered = [...grants].sort(
    (a, b) => a.paidAt.getTime() - b.paidAt.getTime() || a.lineKey.localeCompare(b.lineKey),
  );
  const terms: MembershipTerm[] = [];
  for (const grant of ordered) {
    const plan = membership.plans.find((candidate) => candidate.id === grant.planId);
    if (!plan || grant.quantity < 1) continue;
    const current = terms.at(-1);
    const periods = plan.intervalCount * grant.quantity;
    if (current && current.paidThrough.getTime() + membership.graceDays * DAY_MS >= grant.paidAt.getTime()) {
      const from = new Date(Math.max(current.paidThrough.getTime(), grant.paidAt.getTime()));
      terms[terms.length - 1] = {
        ...current,
        planId: plan.id,
        paidThrough: addInterval(from, plan.interval, periods),
        renewals: [...current.renewals, grant.lineKey],
      };
    } else {
      const paidThrough = addInterval(grant.paidAt, plan.interval, periods);
      terms.push({ planId: plan.id, startedAt: grant.paidAt, paidThrough, renewals: [], startedBy: grant.lineKey });
    }
  }
  return terms;
}

export type MembershipStatus = "active" | "grace" | "ended";

/** Whether the membership's perks apply: active, or in its grace days. */
export const isPaying = (status: MembershipStatus) => status !== "ended";

/** Active until `paidThrough`, then in grace for the program's grace days, then ended. */
export function membershipStatus(membership: Membership, paidThrough: Date, now: Date): MembershipStatus {
  if (now.getTime() <= paidThrough.getTime()) return "active";
  return now.getTime() <= paidThrough.getTime() + membership.graceDays * DAY_MS ? "grace" : "ended";
}

/**
 * The multiplier on a paying member's orders with their tier's: the higher of the two, or both
 * multiplied when the program says they stack. A member not paying gets the tier's alone.
 */
export function earnMultiplierWithMembership(membership: Membership, tierMultiplier: number, paying: boolean): number {
  if (!paying) return tierMultiplier;
  const paid = membership.perks.earnMultiplier;
  return membership.perks.stacksWithTier ? tierMultiplier * paid : Math.max(tierMultiplier, paid);
}
