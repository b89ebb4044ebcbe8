import type { Challenge, ChallengeGoal, Milestone, Program } from "~/loyalty/program/program";

/**
 * Challenges and milestones as pure functions of a member's facts: the orders that still count,
 * the custom actions and rewarded referrals they earned, their lifetime points. Progress is
 * recomputed from those facts on every event, never counted up, so a duplicate, a late or a
 * reordered delivery converges to the same completions (docs/decisions/0024).
 */

export const DAY_MS = 86_400_000;

/** A paid order that still counts: not a test, not cancelled, not refunded down to nothing that earns. */
export interface OrderFact {
  orderId: string;
  at: Date;
  /** What it still earns on, net of refunds, in hundredths of the order's currency. */
  spendHundredths: number;
  /** Its lines' products, and the collections a products challenge names that each product is in. */
  lines: { productId: string | null; collectionIds: string[] }[];
}

export interface MemberFacts {
  orders: OrderFact[];
  /** Custom actions awarded: the action key and when. */
  actions: { actionKey: string; at: Date }[];
  /** When each referral the member made was rewarded. */
  referrals: Date[];
  lifetimePoints: number;
  memberSince: Date;
}

/** One step towards a goal: when, how much, and the order it came from (its hold applies). */
export interface Step {
  at: Date;
  amount: number;
  orderId: string | null;
}

export type ProgressUnit = "orders" | "spend" | "items" | "actions" | "referrals" | "weeks" | "months";

export interface ChallengeProgress {
  /** The step that completed each cycle, oldest first (at most one unless the challenge is repeatable). */
  completions: Step[];
  /** Progress of the cycle under way (spend in currency units, two decimals). */
  current: number;
  target: number;
  unit: ProgressUnit;
  /** When the cycle under way must be done by: its window's end, or the challenge's end; null: no limit. */
  deadline: Date | null;
}

export function goalTarget(goal: ChallengeGoal): number {
  return goal.type === "spend" ? Math.round(goal.amount * 100) : goal.count;
}

export function goalUnit(goal: ChallengeGoal): ProgressUnit {
  switch (goal.type) {
    case "orders":
    case "referrals":
    case "actions":
      return goal.type;
    case "spend":
      return "spend";
    case "products":
      return "items";
    case "streak":
      return goal.period === "week" ? "weeks" : "months";
  }
}

const within = (challenge: Pick<Challenge, "startsAt" | "endsAt">, at: Date) =>
  (!challenge.startsAt || at.getTime() >= Date.parse(challenge.startsAt)) &&
  (!challenge.endsAt || at.getTime() < Date.parse(challenge.endsAt));

/** The steps a goal counts, oldest first, within the challenge's dates. */
export function goalSteps(challenge: Challenge, facts: MemberFacts): Step[] {
  const goal = challenge.goal;
  const fromOrders = (amount: (order: OrderFact) => number) =>
    facts.orders.map((order) => ({ at: order.at, amount: amount(order), orderId: order.orderId }));
  let steps: Step[];
  switch (goal.type) {
    case "orders":
    case "streak":
      steps = fromOrders(() => 1);
      break;
    case "spend":
      steps = fromOrders((order) => order.spendHundredths);
      break;
    case "products": {
      const products = new Set(goal.productIds);
      const collections = new Set(goal.collectionIds);
      steps = fromOrders(
        (order) =>
          order.lines.filter(
            (line) =>
              (line.productId !== null && products.has(line.productId)) ||
              line.collectionIds.some((id) => collections.has(id)),
          ).length,
      );
      break;
    }
    case "actions":
      steps = facts.actions
        .filter((action) => goal.actionKey === null || action.actionKey === goal.actionKey)
        .map((action) => ({ at: action.at, amount: 1, orderId: null }));
      break;
    case "referrals":
      steps = facts.referrals.map((at) => ({ at, amount: 1, orderId: null }));
      break;
  }
  return steps
    .filter((step) => step.amount > 0 && within(challenge, step.at))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || String(a.orderId).localeCompare(String(b.orderId)));
}

/** A UTC period's index: ISO weeks (Monday first) or calendar months. */
export function periodIndex(at: Date, period: "week" | "month"): number {
  if (period === "month") return at.getUTCFullYear() * 12 + at.getUTCMonth();
  // 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
  return Math.floor((Math.floor(at.getTime() / DAY_MS) + 3) / 7);
}

/** When a period ends (the start of the next one). */
export function periodEnd(index: number, period: "week" | "month"): Date {
  if (period === "month") return new Date(Date.UTC(Math.floor((index + 1) / 12), (index + 1) % 12, 1));
  return new Date(((index + 1) * 7 - 3) * DAY_MS);
}

function streakProgress(
  goal: Extract<ChallengeGoal, { type: "streak" }>,
  steps: Step[],
  repeatable: boolean,
  now: Date,
): Pick<ChallengeProgress, "completions" | "current" | "deadline"> {
  const completions: Step[] = [];
  let run = 0;
  let lastPeriod: number | null = null;
  for (const step of steps) {
    if (!repeatable && completions.length) break;
    const period = periodIndex(step.at, goal.period);
    if (period === lastPeriod) continue;
    run = lastPeriod !== null && period === lastPeriod + 1 ? run + 1 : 1;
    lastPeriod = period;
    if (run >= goal.count) {
      completions.push(step);
      // The next cycle starts with the next period.
      run = 0;
    }
  }
  const nowPeriod = periodIndex(now, goal.period);
  const alive = lastPeriod !== null && run > 0 && lastPeriod >= nowPeriod - 1;
  return {
    completions,
    current: alive ? run : 0,
    // A streak goes on while the next period has an order: the deadline is that period's end.
    deadline: alive ? periodEnd(lastPeriod! + 1, goal.period) : null,
  };
}

function windowedProgress(
  target: number,
  withinDays: number | null,
  steps: Step[],
  repeatable: boolean,
  now: Date,
): Pick<ChallengeProgress, "completions" | "current" | "deadline"> {
  const windowMs = withinDays === null ? Infinity : withinDays * DAY_MS;
  const completions: Step[] = [];
  let first = 0;
  let sum = 0;
  let cycleStart = 0;
  for (let index = 0; index < steps.length; index++) {
    if (!repeatable && completions.length) break;
    const step = steps[index]!;
    sum += step.amount;
    // Drop the steps that fell out of the window that ends at this one.
    while (step.at.getTime() - steps[first]!.at.getTime() >= windowMs) sum -= steps[first++]!.amount;
    if (sum >= target) {
      completions.push(step);
      cycleStart = first = index + 1;
      sum = 0;
    }
  }
  if (!repeatable && completions.length) return { completions, current: target, deadline: null };
  const open = steps.slice(cycleStart).filter((step) => now.getTime() - step.at.getTime() < windowMs);
  const current = open.reduce((total, step) => total + step.amount, 0);
  const deadline = open.length && withinDays !== null ? new Date(open[0]!.at.getTime() + windowMs) : null;
  return { completions, current, deadline };
}

/** How far the member is with a challenge, and every cycle their facts complete. */
export function challengeProgress(challenge: Challenge, facts: MemberFacts, now: Date): ChallengeProgress {
  const goal = challenge.goal;
  const steps = goalSteps(challenge, facts);
  const target = goalTarget(goal);
  const found =
    goal.type === "streak"
      ? streakProgress(goal, steps, challenge.repeatable, now)
      : windowedProgress(target, goal.withinDays, steps, challenge.repeatable, now);
  const challengeEnd = challenge.endsAt ? new Date(challenge.endsAt) : null;
  const deadline =
    found.deadline && challengeEnd
      ? new Date(Math.min(found.deadline.getTime(), challengeEnd.getTime()))
      : (found.deadline ?? challengeEnd);
  const toUnit = (value: number) => (goal.type === "spend" ? value / 100 : value);
  return {
    completions: found.completions,
    current: toUnit(Math.min(found.current, target)),
    target: toUnit(target),
    unit: goalUnit(goal),
    deadline,
  };
}

/** Whole days left until a deadline (a part of a day counts as one); null without one. */
export function daysLeft(deadline: Date | null, now: Date): number | null {
  if (!deadline) return null;
  return Math.max(0, Math.ceil((deadline.getTime() - now.getTime()) / DAY_MS));
}

/** Whether the member may take part: the challenge's tier audience, and its dates have begun. */
export function takesPart(challenge: Challenge, tierId: string | null): boolean {
  return !challenge.tierIds.length || (tierId !== null && challenge.tierIds.includes(tierId));
}

/** Whether a shopper sees the challenge now: started, not ended. */
export function challengeOpen(challenge: Challenge, now: Date): boolean {
  return within(challenge, now);
}

/** A milestone's metric for the member now. */
export function milestoneValue(milestone: Milestone, facts: MemberFacts, now: Date): number {
  switch (milestone.metric) {
    case "lifetime_points":
      return facts.lifetimePoints;
    case "orders":
      return facts.orders.length;
    case "membership_years":
      return wholeYearsBetween(facts.memberSince, now);
  }
}

export function wholeYearsBetween(from: Date, to: Date): number {
  let years = to.getUTCFullYear() - from.getUTCFullYear();
  const anniversary = new Date(from);
  anniversary.setUTCFullYear(from.getUTCFullYear() + years);
  if (anniversary > to) years--;
  return Math.max(0, years);
}

/** The badge ids a challenge and a milestone give. */
export const challengeBadgeId = (challengeId: string) => `challenge:${challengeId}`;
export const milestoneBadgeId = (milestoneId: string) => `milestone:${milestoneId}`;

/** Whether engagement has anything to do for this program (orders skip it entirely when not). */
export function engagementActive(program: Pick<Program, "enabled" | "engagement">): boolean {
  return program.enabled && (program.engagement.challenges.length > 0 || program.engagement.milestones.length > 0);
}

/** The ledger key of a completion's points (or its catalog reward's request key), and of taking them back. */
export const completionKey = (challengeId: string, memberId: string, cycle: number) =>
  `challenge:${challengeId}:${memberId}:${cycle}`;
export const completionReverseKey = (challengeId: string, memberId: string, cycle: number) =>
  `${completionKey(challengeId, memberId, cycle)}:reverse`;
