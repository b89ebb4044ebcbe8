import { createHmac, randomBytes } from "node:crypto";
import { Prisma, type PrismaClient } from "@prisma/client";
import { inTransaction } from "~/db/transaction.server";
import type { RefundLine } from "./earning";
import { credit, lockMember } from "./ledger.server";
import { expiresAtFor, loadShop, type LoadedShop } from "./program.server";
import { canonicalAddress, referralSignals, referralVerdict } from "./referral-signals";

const DAY_MS = 86_400_000;

/**
 * Visitor and shipping addresses are kept only as a hash keyed with the app's secret: equal inputs
 * can be counted, the inputs cannot be recovered or guessed from a list.
 */
const keyedHash = (value: string) => createHmac("sha256", process.env.SHOPIFY_API_SECRET ?? "").update(value).digest("hex").slice(0, 32);

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
    const member = await db.member.findUniqueOrThrow({ where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId } }, select: { id: true, referralCode: true } });
    if (member.referralCode) return member.referralCode;
    try {
      await db.member.updateMany({ where: { id: member.id, referralCode: null }, data: { referralCode: newReferralCode() } });
    } catch (error) {
      // Another member drew the same code: draw again.
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    }
  }
  throw new Error("could not draw a unique referral code");
}

export const referralLink = (code: string) => ({ code, path: `/apps/tally/r/${code}` });

/** A referral code as typed or linked: case and stray spaces do not matter. */
export const normalizeReferralCode = (code: string) => code.trim().toUpperCase();

/**
 * Records a visit through a referral link. Returns the code when it belongs to a member of a shop
 * whose referral program is on, else null (the visitor still lands on the store). The visitor's
 * address is kept only as a keyed hash, for the velocity check.
 */
export async function recordReferralVisit(
  db: PrismaClient,
  shop: { id: string; referralsEnabled: boolean },
  rawCode: string,
  visitorAddress: string | null,
): Promise<string | null> {
  const code = normalizeReferralCode(rawCode);
  if (!shop.referralsEnabled || !/^[0-9A-Z]{4,16}$/.test(code)) return null;
  const referrer = await db.member.findUnique({ where: { shopId_referralCode: { shopId: shop.id, referralCode: code } }, select: { id: true, deletedAt: true } });
  if (!referrer || referrer.deletedAt) return null;
  const sourceHash = visitorAddress ? keyedHash(visitorAddress) : null;
  await db.referralVisit.create({ data: { shopId: shop.id, code, sourceHash } });
  return code;
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

/**
 * Attributes a friend's first paid order to the member whose code it carries (the cart attribute
 * the theme sets from the link, or the code typed as a discount), once per friend, with the fraud
 * signals decided now. Runs in the order's transaction.
 */
export async function attributeReferral(tx: Prisma.TransactionClient, shop: LoadedShop, order: PaidOrderForReferral) {
  const settings = shop.program.referrals;
  if (!shop.program.enabled || !settings.enabled || !order.customerId) return null;
  const candidates = [order.referralCode, ...order.discountCodes].filter((code): code is string => Boolean(code)).map(normalizeReferralCode);
  if (!candidates.length) return null;
  const referrer = await tx.member.findFirst({ where: { shopId: shop.id, referralCode: { in: candidates }, deletedAt: null } });
  if (!referrer) return null;
  const code = referrer.referralCode!;
  const priorOrders = await tx.order.count({
    where: { shopId: shop.id, shopifyCustomerId: order.customerId, paidAt: { not: null }, test: false, placedAt: { lt: order.placedAt } },
  });
  // Velocity: referrals shipped to the same address within the window, whoever referred them.
  const address = order.shippingAddress ? canonicalAddress(order.shippingAddress) : null;
  const addressKey = address ? keyedHash(`${shop.id}|${address}`) : null;
  const windowStart = new Date(order.placedAt.getTime() - settings.fraud.velocity.windowHours * 3_600_000);
  const recent = addressKey ? await tx.referral.count({ where: { shopId: shop.id, addressKey, createdAt: { gte: windowStart } } }) : 0;
  const signals = referralSignals(
    settings.fraud,
    { customerId: referrer.shopifyCustomerId, email: referrer.email, phone: referrer.phone, addresses: [], paymentFingerprints: [] },
    { customerId: order.customerId, email: order.email, phone: order.phone, addresses: order.shippingAddress ? [order.shippingAddress] : [], paymentFingerprints: [] },
    { refereePriorOrders: priorOrders, recentReferralsFromSameSource: recent },
  );
  const verdict = referralVerdict(signals);
  const belowMinimum = order.eligibleCents < Math.round(settings.minimumOrder * 100);
  const { count } = await tx.referral.createMany({
    data: [
      {
        shopId: shop.id,
        referrerId: referrer.id,
        refereeCustomerId: order.customerId,
        code,
        source: order.referralCode && normalizeReferralCode(order.referralCode) === code ? "cart_attribute" : "discount_code",
        status: verdict === "block" ? "rejected" : belowMinimum ? "void" : "qualifying",
        signals: signals as unknown as Prisma.InputJsonValue,
        orderId: order.orderId,
        addressKey,
        qualifiesAt: new Date(order.placedAt.getTime() + settings.holdDays * DAY_MS),
      },
    ],
    skipDuplicates: true,
  });
  return count ? code : null;
}

/**
 * Rewards the referrers whose friends' first orders are past the hold: once (keyed by the
 * referral), only if the order was not cancelled or refunded in full, within the monthly cap, and
 * not while soft signals await the merchant's review.
 */
export async function settleReferrals(db: PrismaClient, now: Date): Promise<{ rewarded: number; points: number }> {
  const report = { rewarded: 0, points: 0 };
  const due = await db.referral.findMany({ where: { status: "qualifying", qualifiesAt: { lte: now } }, select: { id: true }, take: 500 });
  for (const { id } of due) {
    await inTransaction(db, async (tx) => {
      const referral = await tx.referral.findUniqueOrThrow({ where: { id } });
      const referrer = await lockMember(tx, referral.referrerId);
      const current = await tx.referral.findUniqueOrThrow({ where: { id } });
      if (current.status !== "qualifying") return;
      const shop = await loadShop(tx, referral.shopId);
      const settings = shop.program.referrals;
      const order = await tx.order.findUniqueOrThrow({ where: { id: referral.orderId }, include: { refunds: true } });
      const refundedCents = order.refunds.flatMap((refund) => refund.lines as unknown as RefundLine[]).reduce((sum, line) => sum + line.subtotalCents, 0);
      const setStatus = (status: string, extra: Prisma.ReferralUpdateInput = {}) => tx.referral.update({ where: { id }, data: { status, ...extra } });
      if (order.cancelledAt || refundedCents >= order.eligibleCents) return void (await setStatus("void"));
      if ((referral.signals as unknown[]).length) return void (await setStatus("held"));
      const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      const rewardedThisMonth = await tx.referral.count({ where: { referrerId: referrer.id, status: "rewarded", rewardedAt: { gte: monthStart } } });
      if (settings.monthlyCapPerReferrer !== null && rewardedThisMonth >= settings.monthlyCapPerReferrer) return void (await setStatus("capped"));
      // A catalog reward as the referrer's prize is not issued automatically yet: the merchant reviews it.
      if (settings.referrerReward.type !== "points") return void (await setStatus("held"));
      await credit(tx, referrer, {
        key: `referral:${id}:reward`,
        kind: "bonus",
        points: settings.referrerReward.points,
        now,
        availableAt: now,
        expiresAt: expiresAtFor(shop.program, now),
        activityAt: now,
        source: `referral:${id}`,
        sourceType: "referral",
        sourceId: id,
        reason: "A friend you referred placed their first order",
      });
      await setStatus("rewarded", { rewardedAt: now });
      report.rewarded++;
      report.points += settings.referrerReward.points;
    });
  }
  return report;
}
