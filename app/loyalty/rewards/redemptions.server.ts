import { payingMember } from "~/loyalty/membership/membership.server";
import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { fromBigInt } from "~/db/bigint";
import type { OutboxTopic } from "~/db/outbox-topics";
import { rows } from "~/db/rows";
import type { Prisma, Redemption } from "@prisma/client";
import { flowTriggerLanguage, queueFlowEvent } from "~/loyalty/points/flow-events.server";
import { credit, debit, lockMember, lockMemberForCustomer, type Tx } from "~/loyalty/points/ledger.server";
import { isStepped, nameIn, type Reward } from "~/loyalty/program/program";
import { expiresAtFor, type LoadedShop } from "~/loyalty/program/program.server";
import type { PosContext } from "./pos";
import { decimalAmount } from "~/money/money";
import { creditExpiresAt, storeCreditMinorUnits } from "./store-credit";
import {
  readStoreCreditSettings,
  storeCreditUnavailable,
  type StoreCreditUnavailable,
} from "./store-credit-settings.server";

const DAY_MS = 86_400_000;
/** How long the redeeming request has the code task to itself before the outbox workers may take it. */
export const INLINE_ATTEMPT_MS = 30_000;
// Crockford's base32 without I, L, O, U: nothing a shopper can misread.
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** 12 random characters (60 bits) after the reward's prefix. */
export function newDiscountCode(prefix: string): string {
  const bytes = randomBytes(12);
  return prefix + Array.from(bytes, (byte) => CODE_ALPHABET[byte % 32]).join("");
}

/** What a reward costs, and for a variable or store credit reward what the chosen points buy. */
export function priceOf(reward: Reward, points: number | undefined): { points: number; amount: number | null } | null {
  if (!isStepped(reward)) return { points: reward.pointsCost, amount: null };
  if (points === undefined || !Number.isInteger(points)) return null;
  if (points < reward.minPoints || points > reward.maxPoints || points % reward.pointsPerStep !== 0) return null;
  return { points, amount: Math.round((points / reward.pointsPerStep) * reward.amountPerStep * 100) / 100 };
}

/** The smallest number of points a reward can be had for. */
export const entryCost = (reward: Reward) => (isStepped(reward) ? reward.minPoints : reward.pointsCost);

export type RedeemResult =
  | { status: "created" | "duplicate"; redemption: Redemption }
  | { status: "insufficient_points"; balance: number; pointsNeeded: number }
  | { status: "reward_unavailable"; reason?: StoreCreditUnavailable }
  | { status: "unknown_reward" | "invalid_points" | "idempotency_key_reused" };

/** The shopper's key, made theirs by the member's id (not the customer's: opaque after erasure). */
const memberRequestKey = (memberId: string, key: string) => `member:${memberId}:${key}`;

type RedeemInput = {
  customerId: string;
  rewardId: string;
  points?: number;
  requestKey: string;
  now: Date;
  /** Redeemed by staff at the point of sale: recorded on the redemption (reversible for a while). */
  pos?: PosContext;
};

/** A retry asks for what the first request asked: the same customer, reward and (variable reward) points. */
function sameRedemptionRequest(
  earlier: Redemption & { member: { shopifyCustomerId: string | null } },
  input: RedeemInput,
): boolean {
  const variable = isStepped(earlier.reward as unknown as Reward);
  return (
    earlier.member.shopifyCustomerId === input.customerId &&
    earlier.rewardId === input.rewardId &&
    (!variable || Number(earlier.pointsSpent) === input.points)
  );
}

/**
 * Spends points on a reward: the debit, the redemption and the task that creates its discount
 * code in Shopify are one transaction under the member's lock, so concurrent requests cannot
 * overspend and a crash cannot lose points. The same request key returns the same redemption;
 * the same key for another reward or other points is refused before anything is written.
 */
export async function redeemReward(tx: Tx, shop: LoadedShop, input: RedeemInput): Promise<RedeemResult> {
  const known = await tx.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId: shop.id, shopifyCustomerId: input.customerId } },
    select: { id: true },
  });
  const earlier =
    known &&
    (await tx.redemption.findUnique({
      where: { shopId_requestKey: { shopId: shop.id, requestKey: memberRequestKey(known.id, input.requestKey) } },
      include: { member: { select: { shopifyCustomerId: true } } },
    }));
  if (earlier) {
    const { member: _member, ...redemption } = earlier;
    return sameRedemptionRequest(earlier, input)
      ? { status: "duplicate", redemption }
      : { status: "idempotency_key_reused" };
  }
  const reward = shop.program.rewards.find((r) => r.id === input.rewardId);
  if (!reward) return { status: "unknown_reward" };
  const price = priceOf(reward, input.points);
  if (!price) return { status: "invalid_points" };
  if (!shop.program.enabled) return { status: "reward_unavailable" };
  let storeCredit: { amount: bigint; currencyCode: string; expiresAt: Date | null } | null = null;
  if (reward.type === "store_credit") {
    // Offered only where Shopify has store credit on (as last read) and the shop's currency is known.
    const settings = await readStoreCreditSettings(tx, shop.id);
    const unavailable = storeCreditUnavailable(settings);
    if (unavailable) return { status: "reward_unavailable", reason: unavailable };
    const currencyCode = settings.currencyCode!;
    const amount = storeCreditMinorUnits(reward, price.points, currencyCode);
    if (amount <= 0n) return { status: "invalid_points" };
    storeCredit = { amount, currencyCode, expiresAt: creditExpiresAt(reward, input.now) };
  }

  const member = await lockMemberForCustomer(tx, shop.id, input.customerId);
  if (reward.tierIds.length) {
    const { tierId } = await tx.member.findUniqueOrThrow({ where: { id: member.id }, select: { tierId: true } });
    if (!tierId || !reward.tierIds.includes(tierId)) return { status: "reward_unavailable" };
  }
  if (reward.membersOnly && !(await payingMember(tx, member.id))) return { status: "reward_unavailable" };
  // A concurrent retry may have redeemed while this one waited for the member's lock.
  const requestKey = memberRequestKey(member.id, input.requestKey);
  const concurrent = await tx.redemption.findUnique({ where: { shopId_requestKey: { shopId: shop.id, requestKey } } });
  if (concurrent) return { status: "duplicate", redemption: concurrent };
  if (member.balance < price.points) {
    return { status: "insufficient_points", balance: member.balance, pointsNeeded: price.points };
  }
  const redemption = await tx.redemption.create({
    data: {
      shopId: shop.id,
      memberId: member.id,
      requestKey,
      rewardId: reward.id,
      reward: { ...reward, amountBought: price.amount } as unknown as Prisma.InputJsonValue,
      pointsSpent: price.points,
      startsAt: input.now,
      ...(storeCredit
        ? {
            // No code: a lowercase reference, which no order's (upper-cased) discount codes can match.
            code: `store-credit:${randomUUID()}`,
            endsAt: storeCredit.expiresAt ?? input.now,
            storeCreditAmount: storeCredit.amount,
            storeCreditCurrency: storeCredit.currencyCode,
            storeCreditExpiresAt: storeCredit.expiresAt,
          }
        : {
            code: newDiscountCode(reward.codePrefix),
            endsAt: new Date(input.now.getTime() + reward.codeLifetimeDays * DAY_MS),
          }),
      ...(input.pos && {
        channel: "pos",
        staffMemberId: input.pos.staffMemberId,
        locationId: input.pos.locationId,
        posUserId: input.pos.userId,
      }),
    },
  });
  await debit(tx, member, {
    key: `redemption:${redemption.id}:debit`,
    kind: "redeem",
    points: price.points,
    now: input.now,
    includePending: false,
    sourceType: "redemption",
    sourceId: redemption.id,
    reason: reward.name,
  });
  // The request tries first; the workers take over only if it has not finished the task by then.
  await tx.outboxTask.create({
    data: {
      shopId: shop.id,
      ...(storeCredit
        ? { topic: "credit_store_credit" satisfies OutboxTopic, key: storeCreditTaskKey(redemption.id) }
        : { topic: "create_discount" satisfies OutboxTopic, key: `redemption:${redemption.id}:create` }),
      payload: { redemptionId: redemption.id },
      runAt: new Date(input.now.getTime() + INLINE_ATTEMPT_MS),
    },
  });
  return { status: "created", redemption };
}

/** The outbox task that credits a store credit redemption in Shopify. */
export const storeCreditTaskKey = (redemptionId: string) => `redemption:${redemptionId}:credit`;

/**
 * A reward given, not bought (a referrer's prize): a redemption that spent no points, its code
 * made by the same outbox task as a bought one. The key makes it once.
 */
export async function grantReward(
  tx: Tx,
  shop: LoadedShop,
  memberId: string,
  reward: Reward,
  requestKey: string,
  now: Date,
): Promise<Redemption> {
  const existing = await tx.redemption.findUnique({ where: { shopId_requestKey: { shopId: shop.id, requestKey } } });
  if (existing) return existing;
  const amount =
    reward.type === "variable"
      ? Math.round((reward.minPoints / reward.pointsPerStep) * reward.amountPerStep * 100) / 100
      : null;
  const redemption = await tx.redemption.create({
    data: {
      shopId: shop.id,
      memberId,
      requestKey,
      rewardId: reward.id,
      reward: { ...reward, amountBought: amount } as unknown as Prisma.InputJsonValue,
      pointsSpent: 0,
      code: newDiscountCode(reward.codePrefix),
      startsAt: now,
      endsAt: new Date(now.getTime() + reward.codeLifetimeDays * DAY_MS),
    },
  });
  await tx.outboxTask.create({
    data: {
      shopId: shop.id,
      topic: "create_discount" satisfies OutboxTopic,
      key: `redemption:${redemption.id}:create`,
      payload: { redemptionId: redemption.id },
    },
  });
  return redemption;
}

/**
 * Store credit given, not bought (Shopify Flow's "Give loyalty reward"): a redemption that spent no
 * points, worth the reward's smallest step (its `minPoints`), credited by the same outbox task as
 * a bought one. Refused, with nothing written, while Shopify's store credit is off or the shop's
 * currency unknown. The key makes it once.
 */
export async function grantStoreCredit(
  tx: Tx,
  shop: LoadedShop,
  memberId: string,
  reward: Extract<Reward, { type: "store_credit" }>,
  requestKey: string,
  now: Date,
): Promise<{ status: "granted"; redemption: Redemption } | { status: "unavailable"; reason: StoreCreditUnavailable }> {
  const existing = await tx.redemption.findUnique({ where: { shopId_requestKey: { shopId: shop.id, requestKey } } });
  if (existing) return { status: "granted", redemption: existing };
  const settings = await readStoreCreditSettings(tx, shop.id);
  const unavailable = storeCreditUnavailable(settings);
  if (unavailable) return { status: "unavailable", reason: unavailable };
  const currencyCode = settings.currencyCode!;
  const price = priceOf(reward, reward.minPoints)!;
  const expiresAt = creditExpiresAt(reward, now);
  const redemption = await tx.redemption.create({
    data: {
      shopId: shop.id,
      memberId,
      requestKey,
      rewardId: reward.id,
      reward: { ...reward, amountBought: price.amount } as unknown as Prisma.InputJsonValue,
      pointsSpent: 0,
      code: `store-credit:${randomUUID()}`,
      startsAt: now,
      endsAt: expiresAt ?? now,
      storeCreditAmount: storeCreditMinorUnits(reward, reward.minPoints, currencyCode),
      storeCreditCurrency: currencyCode,
      storeCreditExpiresAt: expiresAt,
    },
  });
  await tx.outboxTask.create({
    data: {
      shopId: shop.id,
      topic: "credit_store_credit" satisfies OutboxTopic,
      key: storeCreditTaskKey(redemption.id),
      payload: { redemptionId: redemption.id },
    },
  });
  return { status: "granted", redemption };
}

/** The code exists in Shopify: the shopper can use it. */
export async function activateRedemption(tx: Tx, redemptionId: string, shopifyDiscountId: string, now = new Date()) {
  const { count } = await tx.redemption.updateMany({
    where: { id: redemptionId, status: "pending" },
    data: { status: "active", shopifyDiscountId },
  });
  if (count) await announceRedeemed(tx, redemptionId, now);
}

/** The credit exists in Shopify (its transaction): the points are now the shopper's store credit. Returns whether this call made it so. */
export async function activateStoreCredit(
  tx: Tx,
  redemptionId: string,
  transactionId: string,
  now = new Date(),
): Promise<boolean> {
  const { count } = await tx.redemption.updateMany({
    where: { id: redemptionId, status: "pending" },
    data: { status: "active", storeCreditTransactionId: transactionId },
  });
  if (count) await announceRedeemed(tx, redemptionId, now);
  return count > 0;
}

/** Flow's "reward redeemed", once the reward is the shopper's: a code ready to use, or store credit on their account. */
async function announceRedeemed(tx: Tx, redemptionId: string, now: Date) {
  const redemption = await tx.redemption.findUniqueOrThrow({
    where: { id: redemptionId },
    include: { member: { select: { balance: true } } },
  });
  const flowLanguage = await flowTriggerLanguage(tx, redemption.shopId, "rewardRedeemed");
  if (!flowLanguage) return;
  const credited = redemption.storeCreditAmount !== null && redemption.storeCreditCurrency !== null;
  await queueFlowEvent(
    tx,
    redemption.shopId,
    "rewardRedeemed",
    `redeemed:${redemption.id}`,
    redemption.memberId,
    {
      "Reward name": nameIn(redemption.reward as unknown as Reward, flowLanguage),
      "Points spent": fromBigInt(redemption.pointsSpent),
      "Discount code": credited ? "" : redemption.code,
      "Code expires at": credited ? "" : redemption.endsAt.toISOString(),
      "Store credit": credited ? decimalAmount(redemption.storeCreditAmount!, redemption.storeCreditCurrency!) : "",
      "Store credit currency": credited ? redemption.storeCreditCurrency! : "",
      "Store credit expires at": redemption.storeCreditExpiresAt?.toISOString() ?? "",
      "Points balance": fromBigInt(redemption.member.balance),
    },
    now,
  );
}

/**
 * Gives the points of a redemption back, once whatever the cause (the code or credit failed, the
 * code expired unused, staff undid it at POS): one ledger key per redemption.
 */
export async function refundRedemption(tx: Tx, shop: LoadedShop, redemption: Redemption, reason: string, now: Date) {
  const member = await lockMember(tx, redemption.memberId);
  await credit(tx, member, {
    key: `redemption:${redemption.id}:refund`,
    kind: "reverse",
    points: fromBigInt(redemption.pointsSpent),
    now,
    availableAt: now,
    expiresAt: expiresAtFor(shop.program, now),
    source: `redemption:${redemption.id}`,
    sourceType: "redemption",
    sourceId: redemption.id,
    reason,
  });
}

/** The code could not be created (or the store credit credited) in Shopify: the redemption fails and its points come back. */
export async function failRedemption(tx: Tx, shop: LoadedShop, redemptionId: string, reason: string, now: Date) {
  const redemption = await tx.redemption.findUniqueOrThrow({ where: { id: redemptionId } });
  if (redemption.status !== "pending") return;
  const what = redemption.storeCreditAmount === null ? "discount code not created" : "store credit not credited";
  await refundRedemption(tx, shop, redemption, `${what}: ${reason}`, now);
  await tx.redemption.update({
    where: { id: redemption.id },
    data: { status: "failed", failureReason: reason.slice(0, 500) },
  });
}

/** The shop's redemptions whose codes an order carried (Tally's codes are upper case; shoppers type any case). */
const rewardCodes = (shopId: string, codes: string[]) => ({
  shopId,
  code: { in: codes.map((code) => code.toUpperCase()) },
  // Store credit is no code: an order pays with it, it is never "used" by a code.
  storeCreditAmount: null,
});

/** The redemption behind each of these codes that is a reward's, by its upper-case code (others are not Tally's). */
export async function redemptionsByCode(tx: Tx, shopId: string, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const found = await tx.redemption.findMany({ where: rewardCodes(shopId, codes), select: { id: true, code: true } });
  return new Map(found.map((redemption) => [redemption.code, redemption.id]));
}

/** An order used these codes: their redemptions are spent. Returns the ones this call spent (none on a redelivery). */
export async function markCodesUsed(
  tx: Tx,
  shopId: string,
  codes: string[],
  shopifyOrderId: string,
  at: Date,
): Promise<{ redemptionId: string; rewardName: string }[]> {
  if (!codes.length) return [];
  const used = await tx.redemption.updateManyAndReturn({
    where: { ...rewardCodes(shopId, codes), status: { in: ["active", "pending"] } },
    data: { status: "used", usedAt: at, usedOnOrderId: shopifyOrderId },
    select: { id: true, reward: true },
  });
  return used.map((redemption) => ({
    redemptionId: redemption.id,
    rewardName: (redemption.reward as unknown as Reward).name,
  }));
}

/** Webhooks can arrive a day late: an order that used a code on its last day must be seen first. */
export const UNUSED_CODE_GRACE_MS = DAY_MS;

/** Codes past their end date, never used: expired, and their points back if the program says so. */
export async function expireUnusedCode(tx: Tx, shop: LoadedShop, redemptionId: string, now: Date) {
  const cutoff = new Date(now.getTime() - UNUSED_CODE_GRACE_MS);
  const [row] = rows(
    z.object({ id: z.string() }),
    await tx.$queryRaw`
    SELECT id FROM "Redemption"
     WHERE id = ${redemptionId} AND status = 'active' AND "endsAt" <= ${cutoff} AND "storeCreditAmount" IS NULL
       FOR UPDATE`,
  );
  if (!row) return false;
  const redemption = await tx.redemption.update({ where: { id: redemptionId }, data: { status: "expired" } });
  if (shop.program.redemptions.refundUnusedCodes) {
    await refundRedemption(tx, shop, redemption, "discount code expired unused", now);
  }
  return true;
}
