import type { OrderEarning, Program } from "./program";

/**
 * Earning rules: pure functions of the program and an order. Amounts are in cents of the
 * shop's currency (hundredths), so sums are exact.
 */

export interface EligibleLine {
  lineItemId: string;
  productId: string | null;
  /** Price × quantity less the line's discounts, as Shopify reports refunds against it. */
  grossCents: number;
  /** The part that earns: grossCents without tax; 0 for a gift card. */
  eligibleCents: number;
}

export interface EligibleOrder {
  placedAt: Date;
  lines: EligibleLine[];
}

export interface ProductFacts {
  collectionIds: string[];
  tags: string[];
  productType: string | null;
}

export interface WeightedLine extends EligibleLine {
  /** eligibleCents × the line's multiplier: its share of the order's points. */
  weightedCents: number;
}

export interface OrderAward {
  points: number;
  eligibleCents: number;
  lines: WeightedLine[];
  holdDays: number;
  bonusMultiplier: number;
}

type Rounding = OrderEarning["rounding"];

export function roundPoints(value: number, rounding: Rounding): number {
  // Tolerate float noise (e.g. 119.99999999) before rounding down or up.
  const nudged = Math.round(value * 1e6) / 1e6;
  if (rounding === "floor") return Math.floor(nudged);
  if (rounding === "ceil") return Math.ceil(nudged);
  return Math.round(nudged);
}

/** 0 if any rule that matches excludes the product, else the highest matching multiplier, else 1. */
export function lineMultiplier(rules: OrderEarning["productRules"], productId: string | null, facts?: ProductFacts): number {
  const matching = rules.filter(({ match }) => {
    if (productId && match.productIds.includes(productId)) return true;
    if (!facts) return false;
    return (
      match.collectionIds.some((id) => facts.collectionIds.includes(id)) ||
      match.tags.some((tag) => facts.tags.some((t) => t.toLowerCase() === tag.toLowerCase())) ||
      (facts.productType !== null && match.productTypes.some((type) => type.toLowerCase() === facts.productType!.toLowerCase()))
    );
  });
  if (!matching.length) return 1;
  if (matching.some((rule) => rule.multiplier === 0)) return 0;
  return Math.max(...matching.map((rule) => rule.multiplier));
}

/** The strongest bonus event running when the order was placed (events do not compound). */
export function bonusMultiplierAt(program: Program, at: Date): number {
  const running = program.earning.bonusEvents.filter(
    (event) => Date.parse(event.startsAt) <= at.getTime() && at.getTime() < Date.parse(event.endsAt),
  );
  return running.length ? Math.max(...running.map((event) => event.multiplier)) : 1;
}

/** Does the program need product facts (collections, tags, types) to score this order? */
export function needsProductFacts(program: Program): boolean {
  return program.earning.order.productRules.some(
    ({ match }) => match.collectionIds.length + match.tags.length + match.productTypes.length > 0,
  );
}

export function pointsForOrder(
  program: Program,
  order: EligibleOrder,
  products: ReadonlyMap<string, ProductFacts> = new Map(),
): OrderAward {
  const rule = program.earning.order;
  const lines = order.lines.map((line) => ({
    ...line,
    weightedCents: line.eligibleCents * lineMultiplier(rule.productRules, line.productId, line.productId ? products.get(line.productId) : undefined),
  }));
  const eligibleCents = lines.reduce((sum, line) => sum + line.eligibleCents, 0);
  const weightedCents = lines.reduce((sum, line) => sum + line.weightedCents, 0);
  const bonusMultiplier = bonusMultiplierAt(program, order.placedAt);
  const qualifies = program.enabled && eligibleCents > 0 && eligibleCents >= Math.round(rule.minimumSubtotal * 100);
  const points = qualifies ? roundPoints((weightedCents / 100) * rule.pointsPerCurrencyUnit * bonusMultiplier, rule.rounding) : 0;
  return { points, eligibleCents, lines, holdDays: rule.holdDays, bonusMultiplier };
}

export interface RefundLine {
  lineItemId: string;
  subtotalCents: number;
}

/**
 * The points an order should still hold once these refunds (and perhaps a cancellation) are
 * known: the earned points less the refunded share of the order's weighted subtotal. A function
 * of the set of facts, not of the order they arrived in.
 */
export function pointsOrderKeeps(
  order: { pointsEarned: number; lines: WeightedLine[] },
  refunds: RefundLine[][],
  cancelled: boolean,
): number {
  if (cancelled || order.pointsEarned <= 0) return 0;
  const byLine = new Map(order.lines.map((line) => [line.lineItemId, line]));
  const totalWeighted = order.lines.reduce((sum, line) => sum + line.weightedCents, 0);
  if (totalWeighted <= 0) return 0;
  let refundedWeighted = 0;
  for (const refund of refunds) {
    for (const refunded of refund) {
      const line = byLine.get(refunded.lineItemId);
      if (!line || line.grossCents <= 0) continue;
      const share = Math.min(refunded.subtotalCents, line.grossCents) / line.grossCents;
      refundedWeighted += share * line.weightedCents;
    }
  }
  const reversed = Math.min(order.pointsEarned, Math.round((order.pointsEarned * Math.min(refundedWeighted, totalWeighted)) / totalWeighted));
  return order.pointsEarned - reversed;
}
