import { fromBigInt } from "~/db/bigint";
import { minorUnitDigits } from "~/money/currency";
import { largestOrderMinorUnits, toMinorUnits } from "~/money/money";
import type { OrderEarning, Program } from "~/loyalty/program/program";
import type { LineAmounts, RefundLine } from "~/shopify/order-payloads";
import type { ProductFacts } from "~/shopify/products.server";

/**
 * Earning rules: pure functions of the program and an order. Amounts are integer minor units of
 * the order's currency (the `…Cents` fields: cents, yen or fils), and points are computed from
 * them in exact integer arithmetic: a multiplier is counted in thousandths, a rate in millionths.
 */

export interface EligibleLine {
  lineItemId: string;
  productId: string | null;
  /** Price × quantity less the line's discounts, as Shopify reports refunds against it. */
  grossCents: number;
  /** The part that earns: grossCents without tax; 0 for a gift card. */
  eligibleCents: number;
  /** What the line bought (a membership plan's variant grants a membership). Orders stored before they were kept lack them. */
  variantId?: string | null;
  quantity?: number;
  subscription?: boolean;
  /** The cause a donation line names (absent on other lines). */
  cause?: string;
}

/**
 * How an order line earns, whichever way Shopify told of it (the order webhook or the Admin API):
 * price × quantity less the line's discounts is its gross, what refunds are measured against;
 * that gross without tax, when prices include it, is what earns. A gift card earns nothing.
 */
export function lineEarningCents(
  line: LineAmounts,
  currencyDigits: number,
  taxesIncluded: boolean,
): { grossCents: bigint; eligibleCents: bigint } {
  const minor = (text: string) => toMinorUnits(text, currencyDigits) ?? 0n;
  const sum = (texts: string[]) => texts.reduce((total, text) => total + minor(text), 0n);
  const gross = minor(line.unitPrice) * BigInt(line.quantity) - sum(line.discounts);
  const grossCents = gross > 0n ? gross : 0n;
  const eligible = grossCents - (taxesIncluded ? sum(line.taxes) : 0n);
  return { grossCents, eligibleCents: line.giftCard || eligible < 0n ? 0n : eligible };
}

/**
 * An order's lines as Tally scores them, in minor units of its currency. Null when the order is
 * larger than any real order (LARGEST_ORDER_UNITS): such an order is refused, never scored.
 */
export function eligibleLines(
  lines: LineAmounts[],
  currencyCode: string | null,
  taxesIncluded: boolean,
): EligibleLine[] | null {
  const digits = minorUnitDigits(currencyCode);
  const scored = lines.map((line) => ({ line, ...lineEarningCents(line, digits, taxesIncluded) }));
  const total = scored.reduce((sum, { grossCents }) => sum + grossCents, 0n);
  if (total > largestOrderMinorUnits(digits)) return null;
  return scored.map(({ line, grossCents, eligibleCents }) => ({
    lineItemId: line.lineItemId,
    productId: line.productId,
    variantId: line.variantId,
    quantity: line.quantity,
    subscription: line.subscription,
    ...(line.cause ? { cause: line.cause } : {}),
    grossCents: fromBigInt(grossCents),
    eligibleCents: fromBigInt(eligibleCents),
  }));
}

export interface EligibleOrder {
  placedAt: Date;
  /** Decimal places of the currency's minor unit (ISO 4217). */
  currencyDigits: number;
  lines: EligibleLine[];
}

export interface WeightedLine extends EligibleLine {
  /** eligibleCents × the line's multiplier in thousandths: its share of the order's points. */
  weightedCents: number;
  /** The collections of its product that a products challenge names (kept for its progress); absent when none. */
  challengeCollectionIds?: string[];
}

export interface OrderAward {
  points: number;
  eligibleCents: number;
  lines: WeightedLine[];
  holdDays: number;
  bonusMultiplier: number;
}

type Rounding = OrderEarning["rounding"];

/** numerator / denominator (both ≥ 0, denominator > 0) rounded as the program says; halves round up. */
export function divideRounded(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  if (rounding === "floor") return numerator / denominator;
  if (rounding === "ceil") return (numerator + denominator - 1n) / denominator;
  return (2n * numerator + denominator) / (2n * denominator);
}

/** A multiplier the merchant typed (1.5, 2.25) in exact thousandths. */
export function inThousandths(multiplier: number): bigint {
  return BigInt(Math.round(multiplier * 1000));
}

/** A points rate the merchant typed (1, 0.05, 2.5) in exact millionths. */
function inMillionths(rate: number): bigint {
  return BigInt(Math.round(rate * 1_000_000));
}

/** points × a multiplier (a tier's), exactly, rounded to the nearest point. */
export function withMultiplier(points: number, multiplier: number): number {
  return withMultipliers(points, [multiplier]);
}

/** points × several multipliers (a tier's and a win-back offer's stack), exactly, rounded once. */
export function withMultipliers(points: number, multipliers: number[]): number {
  const product = multipliers.reduce((total, multiplier) => total * inThousandths(multiplier), 1n);
  return fromBigInt(divideRounded(BigInt(points) * product, 1000n ** BigInt(multipliers.length), "round"));
}

/** 0 if any rule that matches excludes the product, else the highest matching multiplier, else 1. */
export function lineMultiplier(
  rules: OrderEarning["productRules"],
  productId: string | null,
  facts?: ProductFacts,
): number {
  const matching = rules.filter(({ match }) => {
    if (productId && match.productIds.includes(productId)) return true;
    if (!facts) return false;
    return (
      match.collectionIds.some((id) => facts.collectionIds.includes(id)) ||
      match.tags.some((tag) => facts.tags.some((t) => t.toLowerCase() === tag.toLowerCase())) ||
      (facts.productType !== null &&
        match.productTypes.some((type) => type.toLowerCase() === facts.productType!.toLowerCase()))
    );
  });
  if (!matching.length) return 1;
  if (matching.some((rule) => rule.multiplier === 0)) return 0;
  return Math.max(...matching.map((rule) => rule.multiplier));
}

/**
 * Who an order is for, as far as targeted bonus events ask: the member's tier, and the customer
 * segments (gid://shopify/Segment/…) Shopify says the customer is in — among those the events name.
 */
export interface BonusAudience {
  tierId: string | null;
  segmentIds: ReadonlySet<string>;
}

type BonusEvent = Program["earning"]["bonusEvents"][number];

/** Whether an event is for everyone (no tiers, no segment). */
export const untargeted = (event: BonusEvent) => event.tierIds.length === 0 && event.segmentId === null;

/** Whether the event applies to this audience; without one, only events for everyone do. */
function reaches(event: BonusEvent, audience: BonusAudience | undefined): boolean {
  if (!audience) return untargeted(event);
  return (
    (event.tierIds.length === 0 || (audience.tierId !== null && event.tierIds.includes(audience.tierId))) &&
    (event.segmentId === null || audience.segmentIds.has(event.segmentId))
  );
}

/** The bonus events running at a moment. */
export function bonusEventsRunning(program: Program, at: Date): BonusEvent[] {
  return program.earning.bonusEvents.filter(
    (event) => Date.parse(event.startsAt) <= at.getTime() && at.getTime() < Date.parse(event.endsAt),
  );
}

/**
 * The strongest bonus event running when the order was placed that reaches its audience (events
 * do not compound). Without an audience (the storefront's program, a guest) only events for
 * everyone count.
 */
export function bonusMultiplierAt(program: Program, at: Date, audience?: BonusAudience): number {
  const running = bonusEventsRunning(program, at).filter((event) => reaches(event, audience));
  return running.length ? Math.max(...running.map((event) => event.multiplier)) : 1;
}

/** The segments the running targeted events name: what Shopify must be asked about the customer (often none). */
export function segmentsToAsk(program: Program, at: Date): string[] {
  return [...new Set(bonusEventsRunning(program, at).flatMap((event) => event.segmentId ?? []))];
}

/** The collections products challenges name: an order's lines remember which of them their product is in. */
function challengeCollections(program: Program): Set<string> {
  return new Set(
    program.engagement.challenges.flatMap((challenge) =>
      challenge.goal.type === "products" ? challenge.goal.collectionIds : [],
    ),
  );
}

/** Does the program need product facts (collections, tags, types) to score this order or follow its challenges? */
export function needsProductFacts(program: Program): boolean {
  return (
    program.earning.order.productRules.some(
      ({ match }) => match.collectionIds.length + match.tags.length + match.productTypes.length > 0,
    ) || challengeCollections(program).size > 0
  );
}

/**
 * The rule applied to an order's amounts: weighted minor units (× line multipliers in
 * thousandths) × the rate × the bonus, over one currency unit, rounded once at the end.
 */
function pointsForWeighted(
  rule: OrderEarning,
  order: { eligibleCents: bigint; weightedCents: bigint; bonusMultiplier: number; currencyDigits: number },
): number {
  const minimum = toMinorUnits(String(rule.minimumSubtotal), order.currencyDigits) ?? 0n;
  if (order.eligibleCents <= 0n || order.eligibleCents < minimum) return 0;
  const scale = 10n ** BigInt(order.currencyDigits) * 1000n * 1_000_000n * 1000n;
  const numerator =
    order.weightedCents * inMillionths(rule.pointsPerCurrencyUnit) * inThousandths(order.bonusMultiplier);
  return fromBigInt(divideRounded(numerator, scale, rule.rounding));
}

/** What an amount in whole currency units (the admin's example order) earns under the rule. */
export function pointsForAmount(rule: OrderEarning, units: number): number {
  const cents = BigInt(Math.round(units * 100));
  return pointsForWeighted(rule, {
    eligibleCents: cents,
    weightedCents: cents * 1000n,
    bonusMultiplier: 1,
    currencyDigits: 2,
  });
}

/**
 * A line of the round-up's donation product (app/loyalty/giving): money for a cause, not a purchase,
 * so it earns nothing and counts toward no tier's spend.
 */
export const isDonationLine = (program: Pick<Program, "giving">, line: Pick<EligibleLine, "variantId">) =>
  program.giving.roundUp.variantId !== null && line.variantId === program.giving.roundUp.variantId;

/** Units of the line still counting: bought less those refunded; none once the order is cancelled. */
export function unitsCounting(
  line: Pick<EligibleLine, "lineItemId" | "quantity">,
  refunds: RefundLine[][],
  cancelled: boolean,
): number {
  if (cancelled) return 0;
  const bought = line.quantity ?? 1;
  const refunded = refunds
    .flat()
    .filter((refunded) => refunded.lineItemId === line.lineItemId)
    // A refund recorded before quantities were kept took the whole line.
    .reduce((sum, refunded) => sum + (refunded.quantity ?? bought), 0);
  return Math.max(0, bought - refunded);
}

export function pointsForOrder(
  program: Program,
  order: EligibleOrder,
  products: ReadonlyMap<string, ProductFacts> = new Map(),
  audience?: BonusAudience,
): OrderAward {
  const rule = program.earning.order;
  const followed = challengeCollections(program);
  const lines = order.lines.map((line): WeightedLine => {
    if (isDonationLine(program, line)) return { ...line, eligibleCents: 0, weightedCents: 0 };
    const facts = line.productId ? products.get(line.productId) : undefined;
    const multiplier = lineMultiplier(rule.productRules, line.productId, facts);
    const challengeCollectionIds = (facts?.collectionIds ?? []).filter((id) => followed.has(id));
    return {
      ...line,
      weightedCents: fromBigInt(BigInt(line.eligibleCents) * inThousandths(multiplier)),
      ...(challengeCollectionIds.length ? { challengeCollectionIds } : {}),
    };
  });
  const eligibleCents = lines.reduce((sum, line) => sum + BigInt(line.eligibleCents), 0n);
  const weightedCents = lines.reduce((sum, line) => sum + BigInt(line.weightedCents), 0n);
  const bonusMultiplier = bonusMultiplierAt(program, order.placedAt, audience);
  const points = program.enabled
    ? pointsForWeighted(rule, { eligibleCents, weightedCents, bonusMultiplier, currencyDigits: order.currencyDigits })
    : 0;
  return { points, eligibleCents: fromBigInt(eligibleCents), lines, holdDays: rule.holdDays, bonusMultiplier };
}

/**
 * What an order's refunds returned of what it earns on, in minor units of its currency: a refunded
 * line that earns nothing (a gift card, a donation) takes nothing off. Orders stored before their
 * lines were kept (`lines` null) count every refund.
 */
export function refundedAmount(
  refunds: RefundLine[],
  currencyDigits: number,
  lines: Pick<EligibleLine, "lineItemId" | "eligibleCents">[] | null,
): bigint {
  const earnsNothing = new Set((lines ?? []).filter((line) => line.eligibleCents <= 0).map((line) => line.lineItemId));
  return refunds
    .filter((line) => !earnsNothing.has(line.lineItemId))
    .reduce((sum, line) => sum + (toMinorUnits(line.subtotal, currencyDigits) ?? 0n), 0n);
}

/**
 * The points an order should still hold once these refunds (and perhaps a cancellation) are
 * known: the earned points less the refunded share of the order's weighted subtotal, computed as
 * an exact fraction. A function of the set of facts, not of the order they arrived in.
 */
export function pointsOrderKeeps(
  order: { pointsEarned: number; currencyDigits: number; lines: WeightedLine[] },
  refunds: RefundLine[][],
  cancelled: boolean,
): number {
  if (cancelled || order.pointsEarned <= 0) return 0;
  const byLine = new Map(order.lines.map((line) => [line.lineItemId, line]));
  const totalWeighted = order.lines.reduce((sum, line) => sum + BigInt(line.weightedCents), 0n);
  if (totalWeighted <= 0n) return 0;
  // Σ weighted × min(refunded, gross) / gross, kept as numerator / denominator.
  let numerator = 0n;
  let denominator = 1n;
  for (const refund of refunds) {
    for (const refunded of refund) {
      const line = byLine.get(refunded.lineItemId);
      if (!line || line.grossCents <= 0) continue;
      const gross = BigInt(line.grossCents);
      const amount = toMinorUnits(refunded.subtotal, order.currencyDigits) ?? 0n;
      const share = (amount < gross ? amount : gross) * BigInt(line.weightedCents);
      numerator = numerator * gross + share * denominator;
      denominator *= gross;
    }
  }
  if (numerator > totalWeighted * denominator) numerator = totalWeighted * denominator;
  const reversed = divideRounded(BigInt(order.pointsEarned) * numerator, totalWeighted * denominator, "round");
  return order.pointsEarned - fromBigInt(reversed);
}
