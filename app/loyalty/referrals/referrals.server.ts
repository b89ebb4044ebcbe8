import { createHash, randomBytes } from "node:crypto";
import { fromBigInt } from "~/db/bigint";
import { minorUnitDigits } from "~/money/currency";
import { Prisma, type PrismaClient, type Referral } from "@prisma/client";
import { inTransaction } from "~/db/transaction.server";
import { keyedHash } from "~/loyalty/points/keyed-hash.server";
import { refundedAmount, type WeightedLine } from "~/loyalty/points/earning";
import type { RefundLine } from "~/shopify/order-payloads";
import { credit, debit, lockMember, type Tx } from "~/loyalty/points/ledger.server";
import type { Program } from "~/loyalty/program/program";
import { expiresAtFor, loadRunnableShop, loadShop, type LoadedShop } from "~/loyalty/program/program.server";
import { grantReward } from "~/loyalty/rewards/redemptions.server";
import { advanceChallenges } from "~/loyalty/engagement/engagement.server";
import type { CardCheck } from "~/shopify/referral-cards.server";
import { canonicalAddress, referralSignals, referralVerdict, type ReferralSignal } from "./signals";
import type { ReferralStatus } from "./statuses";

const DAY_MS = 86_400_000;

const referralsOn = (shop: LoadedShop) => shop.program.enabled && shop.program.referrals.enabled;

/** Crockford's base32 without I, L, O, U: codes read aloud or copied by hand survive. */
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_LENGTH = 8;

function newReferralCode(): string {
  return [...randomBytes(CODE_LENGTH)].map((byte) => CODE_ALPHABET[byte % 32]).join("");
}

/**
 * The member's referral code, made the first time it is asked for and stable after. Two requests
 * racing for a new member settle on one code: only a null code is ever written.
 */
export async function ensureReferralCode(db: PrismaClient, shopId: string, shopifyCustomerId: string): Promise<string> {
  await db.member.createMany({ data: [{ shopId, shopifyCustomerId }], skipDuplicates: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    const member = await db.member.findUniqueOrThrow({
      where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId } },
      select: { id: true, referralCode: true },
    });
    if (member.referralCode) return member.referralCode;
    try {
      await db.member.updateMany({
        where: { id: member.id, referralCode: null },
        data: { referralCode: newReferralCode() },
      });
    } catch (error) {
      // Another member drew the same code: draw again.
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    }
  }
  throw new Error("could not draw a unique referral code");
}

/** Identifies the friend's offer a referrer's Shopify discount was made for: a new offer, new discounts. */
export const refereeOfferKey = (program: Program) =>
  createHash("sha256").update(JSON.stringify(program.referrals.refereeReward)).digest("hex").slice(0, 16);

export const referralLink = (code: string) => ({ code, path: `/apps/tally/r/${code}` });

/** A referral code as typed or linked: case and stray spaces do not matter. */
export const normalizeReferralCode = (code: string) => code.trim().toUpperCase();

/**
 * Records a visit through a referral link. Returns the code when it belongs to a member of a shop
 * whose referral program is on, else null (the visitor still lands on the store), and whether
 * the friend's offer exists in Shopify under that code yet. The visitor's address is kept only as
 * a keyed hash, for the velocity check.
 */
export async function recordReferralVisit(
  db: PrismaClient,
  shop: LoadedShop,
  rawCode: string,
  visitorAddress: string | null,
): Promise<{ code: string; offerLive: boolean } | null> {
  const code = normalizeReferralCode(rawCode);
  if (!referralsOn(shop) || !/^[0-9A-Z]{4,16}$/.test(code)) return null;
  const referrer = await db.member.findUnique({
    where: { shopId_referralCode: { shopId: shop.id, referralCode: code } },
    select: { deletedAt: true, refereeDiscountId: true, refereeOfferKey: true },
  });
  if (!referrer || referrer.deletedAt) return null;
  const sourceHash = visitorAddress ? keyedHash(visitorAddress) : null;
  await db.referralVisit.create({ data: { shopId: shop.id, code, sourceHash } });
  return {
    code,
    offerLive: Boolean(referrer.refereeDiscountId) && referrer.refereeOfferKey === refereeOfferKey(shop.program),
  };
}

export interface PaidOrderForReferral {
  orderId: string;
  shopifyOrderId: string;
  customerId: string | null;
  email: string | null;
  phone: string | null;
  shippingAddress: { address1: string | null; zip: string | null; countryCode: string | null } | null;
  placedAt: Date;
  eligibleCents: number;
  referralCode: string | null;
  discountCodes: string[];
}

/** The order's shipping address as the keyed identity the same-address checks compare. */
function addressKeyOf(shopId: string, shippingAddress: PaidOrderForReferral["shippingAddress"]) {
  const address = shippingAddress ? canonicalAddress(shippingAddress) : null;
  return address ? keyedHash(`${shopId}|address|${address}`) : null;
}

const ADDRESSES_KEPT = 5;

/** Keeps the member's latest shipping addresses (as keyed hashes) for when they refer a friend. */
export async function rememberShippingAddress(
  tx: Tx,
  shopId: string,
  memberId: string,
  shippingAddress: PaidOrderForReferral["shippingAddress"],
) {
  const key = addressKeyOf(shopId, shippingAddress);
  if (!key) return;
  // One statement on the orders/paid path, and none when the address is already the latest.
  await tx.$executeRaw`
    UPDATE "Member" SET "addressKeys" = (ARRAY[${key}::text] || array_remove("addressKeys", ${key}::text))[1:${ADDRESSES_KEPT}]
     WHERE id = ${memberId} AND "addressKeys"[1] IS DISTINCT FROM ${key}::text`;
}

async function referrerByCode(tx: Tx, shopId: string, codes: (string | null)[]) {
  const candidates = codes.filter((code): code is string => Boolean(code)).map(normalizeReferralCode);
  if (!candidates.length) return null;
  return tx.member.findFirst({ where: { shopId, referralCode: { in: candidates }, deletedAt: null } });
}

/**
 * A friend signed up with a referral code (the theme writes it into the sign-up form's note): the
 * friend is theirs from now on, and their first paid order decides the reward. Runs in the
 * customers/create transaction; the first attribution of a friend wins.
 */
export async function attributeSignup(
  tx: Tx,
  shop: LoadedShop,
  customer: { customerId: string; referralCode: string | null },
) {
  if (!referralsOn(shop) || !customer.referralCode) return null;
  const referrer = await referrerByCode(tx, shop.id, [customer.referralCode]);
  if (!referrer) return null;
  const { count } = await tx.referral.createMany({
    data: [
      {
        shopId: shop.id,
        referrerId: referrer.id,
        refereeCustomerId: customer.customerId,
        code: referrer.referralCode!,
        source: "signup",
        status: "awaiting_order",
      },
    ],
    skipDuplicates: true,
  });
  return count ? referrer.referralCode : null;
}

/**
 * Attributes a friend's first paid order to the member whose code it carries (the cart attribute
 * the theme sets from the link, or the code typed as a discount) or who referred them at
 * sign-up, once per friend, with the fraud signals decided now. Runs in the order's transaction.
 */
export async function attributeReferral(tx: Tx, shop: LoadedShop, order: PaidOrderForReferral) {
  const settings = shop.program.referrals;
  if (!referralsOn(shop) || !order.customerId) return null;
  const atSignup = await tx.referral.findUnique({
    where: { shopId_refereeCustomerId: { shopId: shop.id, refereeCustomerId: order.customerId } },
  });
  if (atSignup && atSignup.status !== "awaiting_order") return null;
  const referrer = atSignup
    ? await tx.member.findFirst({ where: { id: atSignup.referrerId, deletedAt: null } })
    : await referrerByCode(tx, shop.id, [order.referralCode, ...order.discountCodes]);
  if (!referrer) return null;
  const code = referrer.referralCode!;
  const priorOrders = await tx.order.count({
    where: {
      shopId: shop.id,
      shopifyCustomerId: order.customerId,
      paidAt: { not: null },
      test: false,
      placedAt: { lt: order.placedAt },
    },
  });
  // Velocity: referrals shipped to the same address within the window, whoever referred them.
  const addressKey = addressKeyOf(shop.id, order.shippingAddress);
  const windowStart = new Date(order.placedAt.getTime() - settings.fraud.velocity.windowHours * 3_600_000);
  const recent = addressKey
    ? await tx.referral.count({ where: { shopId: shop.id, addressKey, createdAt: { gte: windowStart } } })
    : 0;
  const signals = referralSignals(
    settings.fraud,
    {
      customerId: referrer.shopifyCustomerId,
      email: referrer.email,
      phone: referrer.phone,
      addressKeys: referrer.addressKeys,
      paymentFingerprints: [],
    },
    {
      customerId: order.customerId,
      email: order.email,
      phone: order.phone,
      addressKeys: addressKey ? [addressKey] : [],
      paymentFingerprints: [],
    },
    { refereePriorOrders: priorOrders, recentReferralsFromSameSource: recent },
  );
  const verdict = referralVerdict(signals);
  const belowMinimum = order.eligibleCents < Math.round(settings.minimumOrder * 100);
  const decided = {
    status: verdict === "block" ? "rejected" : belowMinimum ? "void" : "qualifying",
    signals: signals as unknown as Prisma.InputJsonValue,
    orderId: order.orderId,
    addressKey,
    qualifiesAt: new Date(order.placedAt.getTime() + settings.holdDays * DAY_MS),
  };
  if (atSignup) {
    const { count } = await tx.referral.updateMany({
      where: { id: atSignup.id, status: "awaiting_order" },
      data: decided,
    });
    return count ? code : null;
  }
  const { count } = await tx.referral.createMany({
    data: [
      {
        shopId: shop.id,
        referrerId: referrer.id,
        refereeCustomerId: order.customerId,
        code,
        source:
          order.referralCode && normalizeReferralCode(order.referralCode) === code ? "cart_attribute" : "discount_code",
        ...decided,
      },
    ],
    skipDuplicates: true,
  });
  return count ? code : null;
}

/** The friend's order was cancelled or refunded down to nothing that earns. */
async function orderUndone(tx: Tx, orderId: string): Promise<boolean> {
  const order = await tx.order.findUniqueOrThrow({ where: { id: orderId }, include: { refunds: true } });
  const refunded = refundedAmount(
    order.refunds.flatMap((refund) => refund.lines as unknown as RefundLine[]),
    minorUnitDigits(order.currencyCode),
    order.lines as unknown as WeightedLine[] | null,
  );
  return order.cancelledAt !== null || refunded >= order.eligibleCents;
}

/** The referrer's prize, once per referral: the program's points, or a code for a catalog reward. */
async function rewardReferrer(tx: Tx, shop: LoadedShop, referral: Referral, now: Date) {
  const referrer = await lockMember(tx, referral.referrerId);
  const prize = shop.program.referrals.referrerReward;
  let redemptionId: string | null = null;
  let points = 0;
  if (prize.type === "points") {
    points = prize.points;
    await credit(tx, referrer, {
      key: `referral:${referral.id}:reward`,
      kind: "bonus",
      points,
      now,
      availableAt: now,
      expiresAt: expiresAtFor(shop.program, now),
      activityAt: now,
      source: `referral:${referral.id}`,
      sourceType: "referral",
      sourceId: referral.id,
      reason: "A friend you referred placed their first order",
    });
  } else {
    const reward = shop.program.rewards.find((r) => r.id === prize.rewardId);
    if (!reward) throw new Error(`the referral prize "${prize.rewardId}" is not in the program`);
    redemptionId = (await grantReward(tx, shop, referrer.id, reward, `referral:${referral.id}:prize`, now)).id;
  }
  await tx.referral.update({ where: { id: referral.id }, data: { status: "rewarded", rewardedAt: now, redemptionId } });
  await advanceChallenges(tx, shop, referrer, now, "referral");
  return points;
}

/** Locks the referrer, then reads the referral as it is under that lock. */
async function lockReferral(tx: Tx, id: string): Promise<Referral> {
  const { referrerId } = await tx.referral.findUniqueOrThrow({ where: { id }, select: { referrerId: true } });
  await lockMember(tx, referrerId);
  return tx.referral.findUniqueOrThrow({ where: { id } });
}

/**
 * Rewards the referrers whose friends' first orders are past the hold: once (keyed by the
 * referral), only if the order was not cancelled or refunded in full, not paid with the
 * referrer's card (`cardsOf` reads them from Shopify: a shared card is a hard signal), within the
 * monthly cap, and not while soft signals await the merchant's review.
 */
export async function settleReferrals(
  db: PrismaClient,
  now: Date,
  cardsOf: CardCheck,
): Promise<{ rewarded: number; points: number }> {
  const report = { rewarded: 0, points: 0 };
  const due = await db.referral.findMany({
    where: { status: "qualifying", qualifiesAt: { lte: now } },
    include: { shop: { select: { domain: true } }, referrer: { select: { shopifyCustomerId: true } } },
    take: 500,
  });
  for (const candidate of due) {
    const shop = await loadRunnableShop(db, candidate.shopId);
    if (!shop) continue;
    let cardSignals: ReferralSignal[] = [];
    if (shop.program.referrals.fraud.selfReferral && candidate.referrer.shopifyCustomerId) {
      const order = await db.order.findUniqueOrThrow({
        where: { id: candidate.orderId! },
        select: { shopifyOrderId: true },
      });
      const cards = await cardsOf(candidate.shop.domain, order.shopifyOrderId, candidate.referrer.shopifyCustomerId);
      if (!cards) continue;
      const party = (paymentFingerprints: string[]) => ({
        customerId: null,
        email: null,
        phone: null,
        addressKeys: [],
        paymentFingerprints,
      });
      cardSignals = referralSignals(shop.program.referrals.fraud, party(cards.referrer), party(cards.referee), {
        refereePriorOrders: 0,
        recentReferralsFromSameSource: 0,
      });
    }
    await inTransaction(db, async (tx) => {
      const referral = await lockReferral(tx, candidate.id);
      if (referral.status !== "qualifying") return;
      const setStatus = (status: ReferralStatus, signals?: ReferralSignal[]) =>
        tx.referral.update({
          where: { id: referral.id },
          data: { status, ...(signals ? { signals: signals as unknown as Prisma.InputJsonValue } : {}) },
        });
      if (await orderUndone(tx, referral.orderId!)) return void (await setStatus("void"));
      if (cardSignals.length)
        return void (await setStatus("rejected", [
          ...(referral.signals as unknown as ReferralSignal[]),
          ...cardSignals,
        ]));
      if ((referral.signals as unknown[]).length) return void (await setStatus("held"));
      const cap = shop.program.referrals.monthlyCapPerReferrer;
      const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      const rewardedThisMonth = await tx.referral.count({
        where: {
          referrerId: referral.referrerId,
          status: { in: ["rewarded", "reversed"] },
          rewardedAt: { gte: monthStart },
        },
      });
      if (cap !== null && rewardedThisMonth >= cap) return void (await setStatus("capped"));
      report.points += await rewardReferrer(tx, shop, referral, now);
      report.rewarded++;
    });
  }
  return report;
}

/**
 * The friend's first order was cancelled or refunded in full after the referrer was rewarded:
 * the points are taken back (once); a referral still waiting is void. Runs in the refund's or
 * cancellation's transaction. A catalog prize's code is not recalled (it may be spent already).
 */
export async function undoReferralForOrder(tx: Tx, shop: LoadedShop, orderId: string, now: Date) {
  const referral = await tx.referral.findFirst({
    where: { orderId, status: { in: ["qualifying", "held", "capped", "rewarded"] } },
    select: { id: true },
  });
  if (!referral || !(await orderUndone(tx, orderId))) return;
  const current = await lockReferral(tx, referral.id);
  if (current.status !== "rewarded") {
    if (["qualifying", "held", "capped"].includes(current.status))
      await tx.referral.update({ where: { id: current.id }, data: { status: "void" } });
    return;
  }
  const reward = await tx.ledgerEntry.findUnique({
    where: { shopId_idempotencyKey: { shopId: shop.id, idempotencyKey: `referral:${current.id}:reward` } },
  });
  if (reward) {
    await debit(tx, await lockMember(tx, current.referrerId), {
      key: `referral:${current.id}:reverse`,
      kind: "reverse",
      points: fromBigInt(reward.delta + reward.pendingDelta),
      now,
      includePending: true,
      sourceType: "referral",
      sourceId: current.id,
      reason: "The referred friend's first order was refunded",
    });
  }
  await tx.referral.update({ where: { id: current.id }, data: { status: "reversed" } });
  await advanceChallenges(tx, shop, await lockMember(tx, current.referrerId), now, "referral");
}

export type ReviewDecision = "approve" | "reject";

/**
 * The merchant's decision on a referral held for review (soft signals) or over the monthly cap:
 * approve rewards the referrer now (once), reject closes it. False when it is not awaiting review.
 */
export async function reviewReferral(
  db: PrismaClient,
  shopId: string,
  referralId: string,
  decision: ReviewDecision,
  now: Date,
): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const found = await tx.referral.findFirst({ where: { id: referralId, shopId }, select: { id: true } });
    if (!found) return false;
    const referral = await lockReferral(tx, found.id);
    if (referral.status !== "held" && referral.status !== "capped") return false;
    if (decision === "reject") {
      await tx.referral.update({ where: { id: referral.id }, data: { status: "rejected", reviewedAt: now } });
      return true;
    }
    const shop = await loadShop(tx, shopId);
    if (await orderUndone(tx, referral.orderId!)) {
      await tx.referral.update({ where: { id: referral.id }, data: { status: "void", reviewedAt: now } });
      return false;
    }
    await rewardReferrer(tx, shop, referral, now);
    await tx.referral.update({ where: { id: referral.id }, data: { reviewedAt: now } });
    return true;
  });
}
