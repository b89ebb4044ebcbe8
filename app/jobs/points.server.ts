import { releaseChallengePrizes } from "~/loyalty/engagement/engagement.server";
import type { PrismaClient } from "@prisma/client";
import { fromBigInt } from "~/db/bigint";
import { inTransaction } from "~/db/transaction.server";
import { credit, lockMember, releaseDueLots } from "~/loyalty/points/ledger.server";
import { expireDuePoints } from "~/loyalty/points/expiry.server";
import { orderPaid, recordCancellation, recordPaidOrder, recordRefund } from "~/loyalty/orders/orders.server";
import { scorePaidOrder, type PaidOrder } from "~/loyalty/orders/paid-order";
import { settleReferrals } from "~/loyalty/referrals/referrals.server";
import { flowTriggerEnabled, queueFlowEvent } from "~/loyalty/points/flow-events.server";
import { announceBonusEvents, grantWinBackOffers } from "~/loyalty/offers/offers.server";
import { runMemberImports } from "~/loyalty/members/import.server";
import { runMembershipClock } from "~/loyalty/membership/membership.server";
import { runCampaigns } from "~/loyalty/campaigns/campaigns.server";
import { expiresAtFor, loadRunnableShop, type LoadedShop } from "~/loyalty/program/program.server";
import { grantReward } from "~/loyalty/rewards/redemptions.server";
import { reevaluateTiers } from "~/loyalty/tiers/tiers.server";
import { AdminGateway } from "~/shopify/admin-gateway.server";
import { ordersUpdatedSince } from "~/shopify/orders-query.server";
import { asksNothing, factsToAsk, fetchOrderFacts } from "~/loyalty/orders/order-facts.server";
import { referralCardsFromShopify } from "~/shopify/referral-cards.server";
import { deliverFlowEvents } from "./flow.server";
import type { JobReport } from "./job-report";
import { syncMembersToShopify } from "./member-sync.server";
import { checkNewsletterConsents } from "./newsletter-consent.server";
import { refreshStoreCreditSettings } from "~/loyalty/rewards/store-credit.server";
import {
  creditStoreCredits,
  deliverOutbox,
  expireUnusedCodes,
  publishStorefronts,
  recordUsageCharges,
} from "./outbox.server";
import { pruneExpiredRows } from "./prune.server";
import { syncReferralOffers } from "./referral-offers.server";
import { deliverTierPerkSyncs, reconcileTierPerks } from "./tier-perks.server";
import { scoreAwaitingOrders } from "./score-orders.server";

/**
 * The points jobs. Each is a one-shot pass that is safe to run again at any time, from several
 * instances at once: every ledger entry it writes is keyed by its cause, under the member's lock.
 */

const DAY_MS = 86_400_000;
const BATCH = 500;

async function installedShops(db: PrismaClient, shopDomain?: string): Promise<LoadedShop[]> {
  const shops = await db.shop.findMany({
    where: { status: "installed", ...(shopDomain ? { domain: shopDomain } : {}) },
    select: { id: true },
  });
  const loaded = await Promise.all(shops.map((shop) => loadRunnableShop(db, shop.id)));
  return loaded.filter((shop): shop is LoadedShop => shop !== null);
}

/** Pending points whose hold has passed become spendable. */
export async function releaseHeldPoints(db: PrismaClient, now: Date): Promise<JobReport> {
  const report = { job: "release", processed: 0, points: 0 };
  for (;;) {
    const due = await db.pointLot.findMany({
      where: { held: true, availableAt: { lte: now } },
      select: { memberId: true },
      distinct: ["memberId"],
      take: BATCH,
    });
    if (!due.length) return report;
    for (const { memberId } of due) {
      report.points += await inTransaction(db, async (tx) => releaseDueLots(tx, await lockMember(tx, memberId), now));
      report.processed++;
    }
  }
}

/**
 * Closes expired points: lots past `expiresAt` (fixed-period programs), and every spendable
 * lot of members who have not earned for the program's period (inactivity programs).
 */
export async function expirePoints(db: PrismaClient, now: Date, shopDomain?: string): Promise<JobReport> {
  const report = { job: "expire", processed: 0, points: 0 };
  for (const shop of await installedShops(db, shopDomain)) {
    const expired = await expireDuePoints(db, shop, now);
    report.processed += expired.members;
    report.points += expired.points;
  }
  return report;
}

/**
 * "Your points expire soon" Flow events, N days ahead as the program says, once per member,
 * expiry date and reminder — for shops with a workflow on the trigger (Tally sends no mail).
 */
export async function remindExpiringPoints(db: PrismaClient, now: Date, shopDomain?: string): Promise<JobReport> {
  const report = { job: "remind", processed: 0, points: 0 };
  for (const shop of await installedShops(db, shopDomain)) {
    const expiry = shop.program.expiry;
    if (expiry.mode === "never" || !(await flowTriggerEnabled(db, shop.id, "pointsExpiring"))) continue;
    for (const daysBefore of expiry.remindDaysBefore) {
      const horizon = new Date(now.getTime() + daysBefore * DAY_MS);
      const expiring: { memberId: string; points: number; expiresAt: Date }[] =
        expiry.mode === "fixed"
          ? (
              await db.pointLot.groupBy({
                by: ["memberId", "expiresAt"],
                where: { shopId: shop.id, held: false, remaining: { gt: 0 }, expiresAt: { gt: now, lte: horizon } },
                _sum: { remaining: true },
              })
            ).map((group) => ({
              memberId: group.memberId,
              points: fromBigInt(group._sum.remaining ?? 0n),
              expiresAt: group.expiresAt!,
            }))
          : (
              await db.member.findMany({
                where: {
                  shopId: shop.id,
                  balance: { gt: 0 },
                  lastEarnedAt: {
                    gt: new Date(now.getTime() - expiry.days * DAY_MS),
                    lte: new Date(horizon.getTime() - expiry.days * DAY_MS),
                  },
                },
                select: { id: true, balance: true, lastEarnedAt: true },
              })
            ).map((member) => ({
              memberId: member.id,
              points: fromBigInt(member.balance),
              expiresAt: new Date(member.lastEarnedAt!.getTime() + expiry.days * DAY_MS),
            }));
      for (const item of expiring) {
        const day = item.expiresAt.toISOString().slice(0, 10);
        const queued = await queueFlowEvent(
          db,
          shop.id,
          "pointsExpiring",
          `expiring:${item.memberId}:${day}:${daysBefore}`,
          item.memberId,
          {
            "Points expiring": item.points,
            "Expires at": item.expiresAt.toISOString(),
            "Days left": Math.max(0, Math.ceil((item.expiresAt.getTime() - now.getTime()) / DAY_MS)),
          },
          now,
        );
        if (queued) {
          report.processed++;
          report.points += item.points;
        }
      }
    }
  }
  return report;
}

/**
 * On the member's birthday (UTC date), once a year: the program's birthday points, and its birthday
 * reward from the catalog at no cost (a code made by the outbox, shown with the member's rewards).
 * Both are keyed by member and year, so a second pass that day gives nothing.
 */
export async function awardBirthdays(db: PrismaClient, now: Date, shopDomain?: string): Promise<JobReport> {
  const report = { job: "birthdays", processed: 0, points: 0 };
  const month = now.getUTCMonth() + 1;
  const day = now.getUTCDate();
  const year = now.getUTCFullYear();
  for (const shop of await installedShops(db, shopDomain)) {
    const { points, rewardId } = shop.program.earning.birthday;
    const reward = shop.program.rewards.find((candidate) => candidate.id === rewardId);
    if (!shop.program.enabled || (points <= 0 && !reward)) continue;
    const members = await db.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Member"
       WHERE "shopId" = ${shop.id} AND birthday IS NOT NULL AND "shopifyCustomerId" IS NOT NULL
         AND EXTRACT(MONTH FROM birthday) = ${month} AND EXTRACT(DAY FROM birthday) = ${day}`;
    for (const { id } of members) {
      const awarded = await inTransaction(db, async (tx) => {
        const member = await lockMember(tx, id);
        const credited =
          points > 0 &&
          (await credit(tx, member, {
            key: `birthday:${id}:${year}`,
            kind: "bonus",
            points,
            now,
            availableAt: now,
            expiresAt: expiresAtFor(shop.program, now),
            activityAt: now,
            source: "birthday",
            sourceType: "birthday",
            sourceId: String(year),
          }));
        const requestKey = `birthday:${id}:${year}:reward`;
        const granted =
          reward &&
          !(await tx.redemption.findUnique({ where: { shopId_requestKey: { shopId: shop.id, requestKey } } })) &&
          (await grantReward(tx, shop, id, reward, requestKey, now));
        return Boolean(credited || granted);
      });
      if (awarded) {
        report.processed++;
        report.points += points;
      }
    }
  }
  return report;
}

/**
 * Pulls orders updated in the window from the Admin API and applies what the webhooks missed,
 * through the same idempotent services the webhooks use.
 */
export async function reconcileOrders(
  db: PrismaClient,
  now: Date,
  options: { shopDomain?: string; lookbackHours?: number } = {},
): Promise<JobReport> {
  const report = { job: "reconcile", processed: 0, points: 0 };
  const since = new Date(now.getTime() - (options.lookbackHours ?? 72) * 3_600_000);
  for (const shop of await installedShops(db, options.shopDomain)) {
    const admin = await AdminGateway.forShop(db, shop.domain).catch(() => null);
    if (!admin) continue;
    for await (const order of ordersUpdatedSince(admin, since)) {
      const paid = order.paid && scorePaidOrder(order.paid);
      // Refused as the webhook refuses it.
      if (order.paid && !paid) throw new RangeError(`order ${order.shopifyOrderId} is beyond any real order's amount`);
      const facts = paid ? await orderFactsToScore(db, admin, shop, paid) : undefined;
      const settled = await inTransaction(db, async (tx) => {
        let last = null;
        if (paid) last = await recordPaidOrder(tx, shop, paid, now, facts?.products, facts?.segmentIds);
        for (const refund of order.refunds) last = await recordRefund(tx, shop, refund, now);
        if (order.cancelledAt) last = await recordCancellation(tx, shop, order.shopifyOrderId, order.cancelledAt, now);
        return last;
      });
      if (settled?.awarded) {
        report.processed++;
        report.points += settled.net;
      }
    }
  }
  return report;
}

/**
 * What an order not yet recorded as paid is scored with (product facts for rules by tag, type or
 * collection; the customer's segments for targeted bonus events); an order already paid keeps the
 * points it was awarded, so it needs none.
 */
async function orderFactsToScore(db: PrismaClient, admin: AdminGateway, shop: LoadedShop, paid: PaidOrder) {
  const ask = factsToAsk(shop, paid);
  if (asksNothing(ask) || (await orderPaid(db, shop.id, paid.shopifyOrderId))) return undefined;
  return fetchOrderFacts(admin, paid, ask);
}

/** Win-back offers for members inactive as long as the program says (app/loyalty/offers). */
export async function grantWinBacks(db: PrismaClient, now: Date, shopDomain?: string): Promise<JobReport> {
  const report = { job: "win_back", processed: 0, points: 0 };
  for (const shop of await installedShops(db, shopDomain)) report.processed += await grantWinBackOffers(db, shop, now);
  return report;
}

/** Paid memberships the clock moved (into grace, ended) or whose "ending soon" is due (app/loyalty/membership). */
export async function settleMembershipClocks(db: PrismaClient, now: Date, shopDomain?: string): Promise<JobReport> {
  const report = { job: "membership", processed: 0, points: 0 };
  for (const shop of await installedShops(db, shopDomain)) report.processed += await runMembershipClock(db, shop, now);
  return report;
}

/** "Bonus event started" Flow events, once per event, when it starts. */
export async function announceStartedBonusEvents(db: PrismaClient, now: Date, shopDomain?: string): Promise<JobReport> {
  const report = { job: "bonus_events", processed: 0, points: 0 };
  for (const shop of await installedShops(db, shopDomain)) report.processed += await announceBonusEvents(db, shop, now);
  return report;
}

/** Tiers whose period rolled, whose retention ended, or whose thresholds the merchant changed. */
export async function reevaluateAllTiers(db: PrismaClient, now: Date, shopDomain?: string): Promise<JobReport> {
  const report = { job: "tiers", processed: 0, points: 0 };
  for (const shop of await installedShops(db, shopDomain)) {
    const { tiersEvaluatedRevision } = await db.shop.findUniqueOrThrow({
      where: { id: shop.id },
      select: { tiersEvaluatedRevision: true },
    });
    report.processed += await reevaluateTiers(db, { ...shop, tiersEvaluatedRevision }, now);
  }
  return report;
}

export const POINTS_JOBS = {
  outbox: (db: PrismaClient, now: Date) => deliverOutbox(db, now),
  usage: (db: PrismaClient, now: Date) => recordUsageCharges(db, now),
  store_credit: (db: PrismaClient, now: Date) => creditStoreCredits(db, now),
  publish: (db: PrismaClient, now: Date) => publishStorefronts(db, now),
  tier_perks: (db: PrismaClient, now: Date) => deliverTierPerkSyncs(db, now),
  score_orders: (db: PrismaClient, now: Date) => scoreAwaitingOrders(db, now),
  sync: (db: PrismaClient, now: Date) => syncMembersToShopify(db, now),
  flow: (db: PrismaClient, now: Date) => deliverFlowEvents(db, now),
  newsletter_consent: (db: PrismaClient, now: Date) => checkNewsletterConsents(db, now),
  referrals: async (db: PrismaClient, now: Date) => {
    const { rewarded, points } = await settleReferrals(db, now, referralCardsFromShopify(db));
    await syncReferralOffers(db, now);
    return { job: "referrals", processed: rewarded, points };
  },
  import: (db: PrismaClient, now: Date) => runMemberImports(db, now),
  campaigns: (db: PrismaClient, now: Date) => runCampaigns(db, now),
  expire_codes: (db: PrismaClient, now: Date) => expireUnusedCodes(db, now),
  release: (db: PrismaClient, now: Date) => releaseHeldPoints(db, now),
  challenge_prizes: async (db: PrismaClient, now: Date) => ({
    job: "challenge_prizes",
    processed: await releaseChallengePrizes(db, now),
    points: 0,
  }),
  expire: (db: PrismaClient, now: Date, shop?: string) => expirePoints(db, now, shop),
  remind: (db: PrismaClient, now: Date, shop?: string) => remindExpiringPoints(db, now, shop),
  birthdays: (db: PrismaClient, now: Date, shop?: string) => awardBirthdays(db, now, shop),
  tiers: (db: PrismaClient, now: Date, shop?: string) => reevaluateAllTiers(db, now, shop),
  reconcile: (db: PrismaClient, now: Date, shop?: string) => reconcileOrders(db, now, { shopDomain: shop }),
  tier_perks_reconcile: (db: PrismaClient, now: Date, shop?: string) => reconcileTierPerks(db, now, shop),
  prune: (db: PrismaClient, now: Date) => pruneExpiredRows(db, now),
  win_back: (db: PrismaClient, now: Date, shop?: string) => grantWinBacks(db, now, shop),
  membership: (db: PrismaClient, now: Date, shop?: string) => settleMembershipClocks(db, now, shop),
  bonus_events: (db: PrismaClient, now: Date, shop?: string) => announceStartedBonusEvents(db, now, shop),
  store_credit_setting: async (db: PrismaClient, now: Date) => ({
    job: "store_credit_setting",
    processed: await refreshStoreCreditSettings(db, now),
    points: 0,
  }),
} as const;

export type PointsJobName = keyof typeof POINTS_JOBS;
