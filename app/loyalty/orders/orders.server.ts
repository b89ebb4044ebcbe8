import type { Order, OrderRefund, Prisma } from "@prisma/client";
import type { Refund, RefundLine } from "~/shopify/order-payloads";
import type { ProductFacts } from "~/shopify/products.server";
import { attributeReferral, rememberShippingAddress, undoReferralForOrder } from "~/loyalty/referrals/referrals.server";
import {
  bonusEventsRunning,
  pointsForOrder,
  pointsOrderKeeps,
  untargeted,
  withMultipliers,
  type BonusAudience,
  type WeightedLine,
} from "~/loyalty/points/earning";
import { winBackMultiplierAt } from "~/loyalty/offers/offers.server";
import { minorUnitDigits } from "~/money/currency";
import { z } from "zod";
import { fromBigInt } from "~/db/bigint";
import type { OutboxTopic } from "~/db/outbox-topics";
import { rows } from "~/db/rows";
import { NOW_UTC } from "~/db/clock.server";
import {
  credit,
  debit,
  entryExists,
  fillMemberName,
  lockMember,
  lockMemberForCustomer,
  type Tx,
} from "~/loyalty/points/ledger.server";
import { keptOutOfProgram } from "~/loyalty/points/holdout.server";
import { expiresAtFor, type LoadedShop } from "~/loyalty/program/program.server";
import { markCodesUsed } from "~/loyalty/rewards/redemptions.server";
import { queueRewardUses } from "~/loyalty/billing/billing.server";
import { evaluateMemberTier, tierMultiplier } from "~/loyalty/tiers/tiers.server";
import { advanceChallenges } from "~/loyalty/engagement/engagement.server";
import {
  addMembershipSavings,
  multiplierWithMembership,
  settleMembershipOrder,
} from "~/loyalty/membership/membership.server";
import { membershipPerkTitles } from "~/loyalty/tiers/perks";
import { takeBackSurveyPoints } from "~/loyalty/surveys/surveys.server";
import { settleOrderDonations } from "~/loyalty/giving/giving.server";
import { perkDiscountCents } from "./order-discounts";
import { recordOrderDiscounts } from "./order-discounts.server";
import type { PaidOrder } from "./paid-order";

const DAY_MS = 86_400_000;

const json = z.custom<Prisma.JsonValue>();

/** An "Order" row as RETURNING * gives it. */
const orderRow = z.object({
  id: z.string(),
  shopId: z.string(),
  shopifyOrderId: z.string(),
  memberId: z.string().nullable(),
  shopifyCustomerId: z.string().nullable(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  test: z.boolean(),
  placedAt: z.date().nullable(),
  paidAt: z.date().nullable(),
  cancelledAt: z.date().nullable(),
  currencyCode: z.string().nullable(),
  lines: json.nullable(),
  eligibleCents: z.bigint(),
  pointsEarned: z.bigint(),
  holdDays: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
}) satisfies z.ZodType<Order>;

const refundsAndNetRow = z.object({
  refunds: z
    .array(
      z.object({ shopifyRefundId: z.string(), lines: json }) satisfies z.ZodType<
        Pick<OrderRefund, "shopifyRefundId" | "lines">
      >,
    )
    .nullable(),
  net: z.bigint(),
});

/**
 * Orders become points exactly once. Each webhook records a fact about the order (paid,
 * refunded, cancelled) and then settles the order: the ledger entries that are missing for the
 * facts known so far are written under keys derived from their cause. Any duplication or
 * ordering of the same facts ends at the same balance.
 *
 * Every paid order runs through here: its statements are plain SQL, like the ledger's.
 */

/** The order's row, made on first sight, locked for the transaction: one statement (ON CONFLICT DO UPDATE locks the row it finds). */
async function lockOrder(tx: Tx, shopId: string, shopifyOrderId: string): Promise<Order> {
  const [order] = rows(
    orderRow,
    await tx.$queryRaw`
    INSERT INTO "Order" (id, "shopId", "shopifyOrderId", "createdAt", "updatedAt")
    VALUES (gen_random_uuid()::text, ${shopId}, ${shopifyOrderId}, ${NOW_UTC}, ${NOW_UTC})
    ON CONFLICT ("shopId", "shopifyOrderId") DO UPDATE SET "updatedAt" = "Order"."updatedAt"
    RETURNING *`,
  );
  return order!;
}

async function updateOrder(
  tx: Tx,
  order: Order,
  change: Partial<Pick<Order, "memberId" | "pointsEarned" | "shopifyCustomerId" | "cancelledAt">>,
): Promise<Order> {
  const next = { ...order, ...change };
  await tx.$executeRaw`
    UPDATE "Order" SET "memberId" = ${next.memberId}, "pointsEarned" = ${next.pointsEarned}, "shopifyCustomerId" = ${next.shopifyCustomerId},
                       "cancelledAt" = ${next.cancelledAt}, "updatedAt" = ${NOW_UTC}
     WHERE id = ${order.id}`;
  return next;
}

/**
 * Who the order is for, when a bonus event running at its placing is limited to tiers or a
 * segment: the member's tier as it stands before this order, and the segments Shopify said the
 * customer is in (asked before the transaction; none asked means in none). Undefined when no
 * targeted event runs: nothing is read.
 */
async function bonusAudience(
  tx: Tx,
  shop: LoadedShop,
  paid: PaidOrder,
  segmentIds: ReadonlySet<string>,
): Promise<BonusAudience | undefined> {
  const targeted = bonusEventsRunning(shop.program, paid.placedAt).filter((event) => !untargeted(event));
  if (!targeted.length || !paid.customerId) return undefined;
  const byTier = targeted.some((event) => event.tierIds.length > 0);
  const [member] = byTier
    ? await tx.$queryRaw<{ tierId: string | null }[]>`
        SELECT "tierId" FROM "Member" WHERE "shopId" = ${shop.id} AND "shopifyCustomerId" = ${paid.customerId}`
    : [];
  return { tierId: member?.tierId ?? null, segmentIds };
}

export async function recordPaidOrder(
  tx: Tx,
  shop: LoadedShop,
  paid: PaidOrder,
  now: Date,
  products: ReadonlyMap<string, ProductFacts> = new Map(),
  segmentIds: ReadonlySet<string> = new Set(),
) {
  let order = await lockOrder(tx, shop.id, paid.shopifyOrderId);
  const rewardsUsed = await markCodesUsed(tx, shop.id, paid.discountCodes, paid.shopifyOrderId, paid.placedAt);
  await queueRewardUses(tx, shop.id, rewardsUsed, paid.placedAt, now);
  const firstPayment = !order.paidAt;
  await recordOrderDiscounts(tx, shop, paid, firstPayment);
  if (firstPayment) {
    const award = pointsForOrder(
      shop.program,
      { placedAt: paid.placedAt, currencyDigits: minorUnitDigits(paid.currencyCode), lines: paid.lines },
      products,
      await bonusAudience(tx, shop, paid, segmentIds),
    );
    const [paidOrder] = rows(
      orderRow,
      await tx.$queryRaw`
      UPDATE "Order" SET "paidAt" = ${now}, "placedAt" = ${paid.placedAt}, name = ${paid.name}, email = ${paid.email}, test = ${paid.test}, "currencyCode" = ${paid.currencyCode},
                         "shopifyCustomerId" = ${paid.customerId}, "cancelledAt" = ${order.cancelledAt ?? paid.cancelledAt},
                         lines = ${JSON.stringify(award.lines)}::jsonb, "eligibleCents" = ${award.eligibleCents},
                         "pointsEarned" = ${award.points}, "holdDays" = ${award.holdDays}, "updatedAt" = ${NOW_UTC}
       WHERE id = ${order.id}
      RETURNING *`,
    );
    order = paidOrder!;
  }
  const settlement = await settleOrder(tx, shop, order, now);
  if (firstPayment && !paid.test) {
    await attributeReferral(tx, shop, {
      orderId: order.id,
      shopifyOrderId: paid.shopifyOrderId,
      customerId: paid.customerId,
      email: paid.email,
      phone: paid.phone,
      shippingAddress: paid.shippingAddress,
      placedAt: paid.placedAt,
      eligibleCents: fromBigInt(order.eligibleCents),
      referralCode: paid.referralCode,
      discountCodes: paid.discountCodes,
    });
    if (settlement.memberId) {
      await fillMemberName(tx, settlement.memberId, paid.customerName);
      await rememberShippingAddress(tx, shop.id, settlement.memberId, paid.shippingAddress);
      await addMembershipSavings(tx, settlement.memberId, {
        extraPoints: 0,
        discountCents: membershipDiscountCents(shop, paid),
      });
    }
  }
  return settlement;
}

/** What the paid membership's automatic discounts took off the order, in minor units (0 when it has none). */
function membershipDiscountCents(shop: LoadedShop, paid: PaidOrder): bigint {
  if (!paid.automaticDiscounts.length || !shop.program.membership.perks.discounts) return 0n;
  const byTitle = perkDiscountCents(
    paid.automaticDiscounts,
    membershipPerkTitles(shop.program),
    minorUnitDigits(paid.currencyCode),
  );
  return [...byTitle.values()].reduce((sum, cents) => sum + cents, 0n);
}

/** The outbox topic of paid orders waiting for their product facts (app/jobs/score-orders.server.ts). */
export const SCORE_ORDER_TOPIC: OutboxTopic = "score_order";

/**
 * A paid order whose earning rules need product facts that Shopify did not give within the
 * webhook's budget. The order is kept whole in one outbox task (one per order, however many
 * deliveries) and scored later through recordPaidOrder, which awards it exactly once.
 */
export async function awaitProductFacts(tx: Tx, shop: LoadedShop, paid: PaidOrder, now: Date) {
  await tx.$executeRaw`
    INSERT INTO "OutboxTask" (id, "shopId", topic, key, payload, "runAt", attempts, "createdAt")
    VALUES (gen_random_uuid()::text, ${shop.id}, ${SCORE_ORDER_TOPIC}, ${`order:${paid.shopifyOrderId}:score`},
            ${JSON.stringify({ order: paid })}::jsonb, ${now}, 0, ${NOW_UTC})
    ON CONFLICT ("shopId", key) DO NOTHING`;
}

/** The paid order an awaiting task holds (JSON keeps its dates as text). */
export function awaitingPaidOrder(payload: unknown): PaidOrder {
  const { order } = payload as { order: PaidOrder & { placedAt: string; cancelledAt: string | null } };
  return {
    ...order,
    // Tasks queued before orders carried the customer's name have none.
    customerName: order.customerName ?? { firstName: null, lastName: null },
    // Tasks queued before orders carried their automatic discounts have none.
    automaticDiscounts: order.automaticDiscounts ?? [],
    // …and before they carried their codes' discounts.
    codeDiscounts: order.codeDiscounts ?? [],
    placedAt: new Date(order.placedAt),
    cancelledAt: order.cancelledAt ? new Date(order.cancelledAt) : null,
  };
}

/** Whether Tally already recorded the order's payment (its points are then settled). */
export async function orderPaid(db: Pick<Tx, "order">, shopId: string, shopifyOrderId: string): Promise<boolean> {
  const order = await db.order.findUnique({
    where: { shopId_shopifyOrderId: { shopId, shopifyOrderId } },
    select: { paidAt: true },
  });
  return Boolean(order?.paidAt);
}

export async function recordRefund(tx: Tx, shop: LoadedShop, refund: Refund, now: Date) {
  const order = await lockOrder(tx, shop.id, refund.shopifyOrderId);
  await tx.orderRefund.createMany({
    data: [
      {
        shopId: shop.id,
        orderId: order.id,
        shopifyRefundId: refund.shopifyRefundId,
        lines: refund.lines as unknown as Prisma.InputJsonValue,
      },
    ],
    skipDuplicates: true,
  });
  const settlement = await settleOrder(tx, shop, order, now);
  await undoReferralForOrder(tx, shop, order.id, now);
  return settlement;
}

export async function recordCancellation(
  tx: Tx,
  shop: LoadedShop,
  shopifyOrderId: string,
  cancelledAt: Date,
  now: Date,
) {
  let order = await lockOrder(tx, shop.id, shopifyOrderId);
  if (!order.cancelledAt) order = await updateOrder(tx, order, { cancelledAt });
  const settlement = await settleOrder(tx, shop, order, now);
  await undoReferralForOrder(tx, shop, order.id, now);
  return settlement;
}

export interface Settlement {
  orderId: string;
  memberId: string | null;
  /** Points the order holds for its member after this settlement. */
  net: number;
  awarded: boolean;
}

/** Writes whatever ledger entries the order's known facts call for and are not written yet. */
export async function settleOrder(tx: Tx, shop: LoadedShop, settling: Order, now: Date): Promise<Settlement> {
  let order = settling;
  const unsettled = { orderId: order.id, memberId: order.memberId, net: 0, awarded: false };
  if (!order.paidAt || order.test) return unsettled;
  const placedAt = order.placedAt ?? order.paidAt;
  if (
    !shop.program.enabled ||
    (!order.memberId && !order.shopifyCustomerId) ||
    // A held-out customer's order stays a non-member's, even once their hold has ended (docs/roi.md).
    (!order.memberId && (await keptOutOfProgram(tx, shop, order.shopifyCustomerId!, placedAt, now)))
  ) {
    // A guest's round-up (a guest until a customer claims the email), or any while the program is off, still gives.
    await settleOrderDonations(tx, shop, order, null, null, now);
    return unsettled;
  }

  const member = order.memberId
    ? await lockMember(tx, order.memberId)
    : await lockMemberForCustomer(tx, shop.id, order.shopifyCustomerId!, { email: order.email });
  if (!order.memberId) order = await updateOrder(tx, order, { memberId: member.id });

  const earnKey = `order:${order.shopifyOrderId}:earn`;
  // The member's tier and a win-back offer running when the order was placed multiply the order's
  // points once (they stack: docs/decisions/0026), when they are first awarded; refunds then take
  // back their share of the multiplied points.
  // A paying member's membership multiplier stands beside the tier's (the higher, or both when they stack).
  const earned = fromBigInt(order.pointsEarned);
  const winBack = earned > 0 ? await winBackMultiplierAt(tx, member.id, placedAt) : 1;
  const tier = tierMultiplier(shop, member);
  const withMembership = earned > 0 ? await multiplierWithMembership(tx, shop, member.id, placedAt, tier) : tier;
  const points = withMultipliers(earned, [withMembership, winBack]);
  const awarded = await credit(tx, member, {
    key: earnKey,
    kind: "earn",
    points,
    now,
    availableAt: new Date(placedAt.getTime() + order.holdDays * DAY_MS),
    expiresAt: expiresAtFor(shop.program, placedAt),
    activityAt: placedAt,
    orderId: order.id,
    source: `order:${order.shopifyOrderId}`,
    sourceType: "order",
    sourceId: order.shopifyOrderId,
  });
  if (awarded && points !== earned) order = await updateOrder(tx, order, { pointsEarned: BigInt(points) });
  if (awarded && withMembership !== tier) {
    await addMembershipSavings(tx, member.id, {
      extraPoints: points - withMultipliers(earned, [tier, winBack]),
      discountCents: 0n,
    });
  }

  const { refunds, net: netBefore } = await refundsAndNet(tx, order.id);
  const target = pointsOrderKeeps(
    {
      pointsEarned: fromBigInt(order.pointsEarned),
      currencyDigits: minorUnitDigits(order.currencyCode),
      lines: (order.lines ?? []) as unknown as WeightedLine[],
    },
    refunds.map((refund) => refund.lines as unknown as RefundLine[]),
    order.cancelledAt !== null,
  );
  let net = netBefore;
  let reversed = false;
  const reverse = async (key: string, sourceType: "refund" | "cancellation", sourceId: string) => {
    const result = await debit(tx, member, {
      key,
      kind: "reverse",
      points: net - target,
      now,
      fromOrderId: order.id,
      includePending: true,
      orderId: order.id,
      sourceType,
      sourceId,
    });
    if (result) net -= result.debited;
    reversed ||= Boolean(result?.debited);
  };
  for (const refund of refunds) {
    if (net <= target) break;
    await reverse(`refund:${refund.shopifyRefundId}:reverse`, "refund", refund.shopifyRefundId);
  }
  const cancelKey = `order:${order.shopifyOrderId}:cancel`;
  if (order.cancelledAt && net > target && !(await entryExists(tx, shop.id, cancelKey))) {
    await reverse(cancelKey, "cancellation", order.shopifyOrderId);
  }
  if (awarded || reversed) await evaluateMemberTier(tx, shop, member, now, reversed ? "refund" : "earn");
  // An order cancelled within its hold takes back what answering its survey earned.
  if (order.cancelledAt) await takeBackSurveyPoints(tx, member, order, now);
  const refundLines = refunds.map((refund) => refund.lines as unknown as RefundLine[]);
  // A membership plan's line grants (or, refunded or cancelled, no longer grants) a paid membership.
  await settleMembershipOrder(tx, shop, order, member, refundLines, now);
  // A round-up line gives to its cause (refunded units and a cancellation take it back).
  await settleOrderDonations(tx, shop, order, member, refundLines, now);
  // Challenges and badges follow the order's facts (a refund may undo a completion still on hold).
  await advanceChallenges(tx, shop, member, now, reversed ? "refund" : "order");
  return { orderId: order.id, memberId: member.id, net, awarded };
}

/** The order's refunds, oldest first, and the points its entries hold now: one statement. */
async function refundsAndNet(
  tx: Tx,
  orderId: string,
): Promise<{ refunds: Pick<OrderRefund, "shopifyRefundId" | "lines">[]; net: number }> {
  const [row] = rows(
    refundsAndNetRow,
    await tx.$queryRaw`
    SELECT (SELECT json_agg(json_build_object('shopifyRefundId', r."shopifyRefundId", 'lines', r.lines) ORDER BY r."createdAt", r."shopifyRefundId")
              FROM "OrderRefund" r WHERE r."orderId" = ${orderId}) AS refunds,
           (SELECT COALESCE(SUM(delta + "pendingDelta"), 0)::bigint FROM "LedgerEntry" WHERE "orderId" = ${orderId}) AS net`,
  );
  return { refunds: row!.refunds ?? [], net: fromBigInt(row!.net) };
}

/** Paid guest orders with this email, not yet claimed by a customer: theirs now. */
export async function claimGuestOrders(tx: Tx, shop: LoadedShop, customerId: string, email: string | null, now: Date) {
  if (!email) return [];
  const guestOrders = await tx.order.findMany({
    where: { shopId: shop.id, email, shopifyCustomerId: null, memberId: null, paidAt: { not: null }, test: false },
    select: { shopifyOrderId: true },
  });
  const settled: Settlement[] = [];
  for (const { shopifyOrderId } of guestOrders) {
    const order = await lockOrder(tx, shop.id, shopifyOrderId);
    if (order.shopifyCustomerId || order.memberId) continue;
    const claimed = await updateOrder(tx, order, { shopifyCustomerId: customerId });
    settled.push(await settleOrder(tx, shop, claimed, now));
  }
  return settled;
}
