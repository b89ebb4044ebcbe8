import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { inTransaction } from "~/db/transaction.server";
import { fromBigInt } from "~/db/bigint";
import { rows } from "~/db/rows";
import { NOW_UTC } from "~/db/clock.server";
import { minorUnitDigits } from "~/money/currency";
import { refundedAmount, type WeightedLine } from "~/loyalty/points/earning";
import type { RefundLine } from "~/shopify/order-payloads";
import { matchLanguage } from "~/language-match";
import type { ShopperLanguage } from "~/languages";
import { queueFlowEvent } from "~/loyalty/points/flow-events.server";
import { FLOW_TRIGGERS } from "~/loyalty/points/flow-triggers";
import { credit, debit, lockMember, type LockedMember, type Tx } from "~/loyalty/points/ledger.server";
import { nameIn, type Challenge, type Program } from "~/loyalty/program/program";
import { expiresAtFor, loadRunnableShop, type LoadedShop } from "~/loyalty/program/program.server";
import { grantReward } from "~/loyalty/rewards/redemptions.server";
import { evaluateMemberTier } from "~/loyalty/tiers/tiers.server";
import {
  DAY_MS,
  challengeBadgeId,
  challengeProgress,
  completionKey,
  completionReverseKey,
  engagementActive,
  milestoneBadgeId,
  milestoneValue,
  takesPart,
  type MemberFacts,
  type Step,
} from "./challenges";

/**
 * Challenges and milestones advance under the member's lock, in the transaction of the event that
 * moved their points (a paid order, a refund, a cancellation, a custom action, a rewarded
 * referral). Each call recomputes every challenge from the member's facts and writes only the
 * difference from what is recorded: completions missing get their reward (keyed
 * `challenge:<id>:<member>:<cycle>`), completions the facts no longer support lose theirs while
 * it is still held (docs/engagement.md).
 */

export interface CompletionRow {
  challengeId: string;
  cycle: number;
  availableAt: Date;
  points: number;
  redemptionId: string | null;
  reversedAt: Date | null;
}

export interface EngagementState {
  facts: MemberFacts;
  completions: CompletionRow[];
  badges: { badgeId: string; icon: string; earnedAt: Date }[];
  /** The shop's language for each of engagement's Flow triggers with an enabled workflow (null: nothing to queue). */
  flowLanguage: { challengeCompleted: ShopperLanguage | null; badgeEarned: ShopperLanguage | null };
}

const stateRow = z.object({
  orders: z
    .array(
      z.object({
        id: z.string(),
        at: z.string(),
        cancelled: z.boolean(),
        eligible: z.union([z.number(), z.string()]),
        currency: z.string().nullable(),
        lines: z.array(z.object({ productId: z.string().nullable() }).passthrough()).nullable(),
        refunds: z.array(z.unknown()).nullable(),
      }),
    )
    .nullable(),
  actions: z.array(z.object({ key: z.string().nullable(), at: z.string() })).nullable(),
  referrals: z.array(z.string()).nullable(),
  lifetime: z.bigint(),
  since: z.date(),
  completions: z
    .array(
      z.object({
        challengeId: z.string(),
        cycle: z.number(),
        availableAt: z.string(),
        points: z.number(),
        redemptionId: z.string().nullable(),
        reversedAt: z.string().nullable(),
      }),
    )
    .nullable(),
  badges: z.array(z.object({ badgeId: z.string(), icon: z.string(), earnedAt: z.string() })).nullable(),
  shop: z.object({ language: z.string(), triggers: z.array(z.string()) }).nullable(),
});

/** Which of a member's facts the program's challenges and milestones read. */
function factsRead(program: Pick<Program, "engagement">) {
  const goals = program.engagement.challenges.map((challenge) => challenge.goal.type);
  const metrics = program.engagement.milestones.map((milestone) => milestone.metric);
  return {
    lines: goals.includes("products"),
    actions: goals.includes("actions"),
    referrals: goals.includes("referrals"),
    lifetime: metrics.includes("lifetime_points"),
  };
}

/** Timestamps inside JSON come back without a zone; they are UTC. */
const utc = (text: string) => new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);

/**
 * Everything engagement knows of a member, in one statement: the paid orders (with refunds, to
 * net them), the custom actions and rewarded referrals, lifetime points, when they joined, their
 * completions and badges.
 */
export async function readEngagementState(
  db: Pick<Tx, "$queryRaw">,
  program: Pick<Program, "engagement">,
  memberId: string,
  shopId: string,
): Promise<EngagementState> {
  // Only the facts the program's goals and milestones read (most programs use one or two kinds).
  const reads = factsRead(program);
  const none = Prisma.sql`NULL`;
  // A refunded order's lines tell which refunds take off what it earns on (a donation's do not).
  const refundedOrderLines = Prisma.sql`CASE WHEN EXISTS (SELECT 1 FROM "OrderRefund" r WHERE r."orderId" = o.id) THEN o.lines END`;
  const [row] = rows(
    stateRow,
    await db.$queryRaw`
    SELECT
      (SELECT json_agg(json_build_object('id', o.id, 'at', COALESCE(o."placedAt", o."paidAt"), 'cancelled', o."cancelledAt" IS NOT NULL,
                                         'eligible', o."eligibleCents", 'currency', o."currencyCode", 'lines', ${reads.lines ? Prisma.sql`o.lines` : refundedOrderLines},
                                         'refunds', (SELECT json_agg(r.lines) FROM "OrderRefund" r WHERE r."orderId" = o.id)))
         FROM "Order" o WHERE o."memberId" = ${memberId} AND o."paidAt" IS NOT NULL AND NOT o.test) AS orders,
      ${
        reads.actions
          ? Prisma.sql`(SELECT json_agg(json_build_object('key', e."sourceId", 'at', e."createdAt"))
                          FROM "LedgerEntry" e WHERE e."memberId" = ${memberId} AND e.kind = 'action' AND e."sourceType" = 'action')`
          : none
      } AS actions,
      ${
        reads.referrals
          ? Prisma.sql`(SELECT json_agg(r."rewardedAt") FROM "Referral" r
                         WHERE r."referrerId" = ${memberId} AND r.status = 'rewarded' AND r."rewardedAt" IS NOT NULL)`
          : none
      } AS referrals,
      ${
        reads.lifetime
          ? Prisma.sql`(SELECT COALESCE(SUM(e.delta + e."pendingDelta"), 0)::bigint FROM "LedgerEntry" e
                         WHERE e."memberId" = ${memberId}
                           AND (e.kind IN ('earn', 'bonus', 'action', 'partner') OR (e.kind = 'reverse' AND e."sourceType" IN ('refund', 'cancellation', 'referral', 'challenge'))))`
          : Prisma.sql`0::bigint`
      } AS lifetime,
      (SELECT m."createdAt" FROM "Member" m WHERE m.id = ${memberId}) AS since,
      (SELECT json_agg(json_build_object('challengeId', c."challengeId", 'cycle', c.cycle, 'availableAt', c."availableAt", 'points', c.points,
                                         'redemptionId', c."redemptionId", 'reversedAt', c."reversedAt") ORDER BY c.cycle)
         FROM "ChallengeCompletion" c WHERE c."memberId" = ${memberId}) AS completions,
      (SELECT json_agg(json_build_object('badgeId', b."badgeId", 'icon', b.icon, 'earnedAt', b."earnedAt") ORDER BY b."earnedAt", b."badgeId")
         FROM "MemberBadge" b WHERE b."memberId" = ${memberId}) AS badges,
      (SELECT json_build_object('language', s.language, 'triggers', s."flowTriggersEnabled") FROM "Shop" s WHERE s.id = ${shopId}) AS shop`,
  );
  const state = row!;
  const orders = (state.orders ?? []).flatMap((order) => {
    const digits = minorUnitDigits(order.currency);
    const eligible = BigInt(order.eligible);
    const refunded = refundedAmount(
      ((order.refunds ?? []) as RefundLine[][]).flat(),
      digits,
      order.lines as WeightedLine[] | null,
    );
    // Cancelled, or refunded down to nothing that earns: the order no longer counts (as for referrals).
    if (order.cancelled || refunded >= eligible) return [];
    const net = Number(eligible - refunded);
    return [
      {
        orderId: order.id,
        at: utc(order.at),
        spendHundredths: Math.round((net * 100) / 10 ** digits),
        lines: ((order.lines ?? []) as Pick<WeightedLine, "productId" | "challengeCollectionIds">[]).map((line) => ({
          productId: line.productId,
          collectionIds: line.challengeCollectionIds ?? [],
        })),
      },
    ];
  });
  return {
    facts: {
      orders,
      actions: (state.actions ?? []).map((action) => ({ actionKey: action.key ?? "", at: utc(action.at) })),
      referrals: (state.referrals ?? []).map(utc),
      lifetimePoints: fromBigInt(state.lifetime),
      memberSince: state.since,
    },
    completions: (state.completions ?? []).map((completion) => ({
      ...completion,
      availableAt: utc(completion.availableAt),
      reversedAt: completion.reversedAt ? utc(completion.reversedAt) : null,
    })),
    badges: (state.badges ?? []).map((badge) => ({ ...badge, earnedAt: utc(badge.earnedAt) })),
    flowLanguage: {
      challengeCompleted: flowLanguageFor(state.shop, "challengeCompleted"),
      badgeEarned: flowLanguageFor(state.shop, "badgeEarned"),
    },
  };
}

/** The shop's language when it has an enabled workflow on the trigger (as flowTriggerLanguage answers, read with the facts). */
function flowLanguageFor(
  shop: { language: string; triggers: string[] } | null,
  trigger: "challengeCompleted" | "badgeEarned",
): ShopperLanguage | null {
  return shop && shop.triggers.includes(FLOW_TRIGGERS[trigger].handle) ? matchLanguage(shop.language) : null;
}

/** What happened that may move a challenge (for the record; progress is recomputed either way). */
export type EngagementCause = "order" | "refund" | "cancellation" | "action" | "referral" | "merge";

export interface EngagementResult {
  completed: string[];
  reversed: string[];
  badgesEarned: string[];
}

const NOTHING: EngagementResult = { completed: [], reversed: [], badgesEarned: [] };

/**
 * Brings the member's challenges and badges in line with their facts. The caller holds the
 * member's lock (lockMember…) in its transaction. Skips at once when the program has no
 * challenges and no milestones.
 */
export async function advanceChallenges(
  tx: Tx,
  shop: LoadedShop,
  member: LockedMember,
  now: Date,
  _cause: EngagementCause,
): Promise<EngagementResult> {
  const program = shop.program;
  if (!engagementActive(program)) return NOTHING;
  const state = await readEngagementState(tx, program, member.id, shop.id);
  const result: EngagementResult = { completed: [], reversed: [], badgesEarned: [] };
  const badges = new Set(state.badges.map((badge) => badge.badgeId));
  let pointsMoved = false;

  for (const challenge of program.engagement.challenges) {
    const recorded = state.completions.filter((completion) => completion.challengeId === challenge.id);
    const active = recorded.filter((completion) => !completion.reversedAt);
    let nextCycle = recorded.reduce((max, completion) => Math.max(max, completion.cycle + 1), 0);
    const { completions } = challengeProgress(challenge, state.facts, now);
    if (completions.length > active.length) {
      // A member outside the tier audience does not complete it (what they completed before stays).
      if (!takesPart(challenge, member.tierId)) continue;
      for (const step of completions.slice(active.length)) {
        const cycle = nextCycle++;
        pointsMoved ||= await complete(
          tx,
          shop,
          member,
          challenge,
          cycle,
          step,
          now,
          state.flowLanguage.challengeCompleted,
        );
        result.completed.push(`${challenge.id}:${cycle}`);
      }
      const badgeId = challengeBadgeId(challenge.id);
      if (challenge.badge && !badges.has(badgeId)) {
        await earnBadge(
          tx,
          shop,
          member,
          badgeId,
          challenge.badge,
          badges,
          now,
          challenge,
          state.flowLanguage.badgeEarned,
        );
        result.badgesEarned.push(badgeId);
      }
    } else if (completions.length < active.length) {
      // Newest first: only completions whose points are still held can be taken back.
      let kept = active.length;
      for (const completion of [...active].reverse()) {
        if (kept <= completions.length) break;
        if (completion.availableAt <= now) break;
        if (completion.points > 0)
          await debit(tx, member, {
            key: completionReverseKey(challenge.id, member.id, completion.cycle),
            kind: "reverse",
            points: completion.points,
            now,
            fromSource: lotSource(challenge.id, completion.cycle),
            includePending: true,
            sourceType: "challenge",
            sourceId: `${challenge.id}:${completion.cycle}`,
            reason: "The order that completed the challenge was refunded or cancelled",
          });
        await tx.$executeRaw`
          UPDATE "ChallengeCompletion" SET "reversedAt" = ${now}
           WHERE "memberId" = ${member.id} AND "challengeId" = ${challenge.id} AND cycle = ${completion.cycle}`;
        result.reversed.push(`${challenge.id}:${completion.cycle}`);
        pointsMoved = true;
        kept--;
      }
      // A challenge's badge goes with its last completion.
      if (kept === 0 && badges.delete(challengeBadgeId(challenge.id))) {
        await dropBadge(tx, member.id, challengeBadgeId(challenge.id));
      }
    }
  }

  for (const milestone of program.engagement.milestones) {
    const badgeId = milestoneBadgeId(milestone.id);
    const reached = milestoneValue(milestone, state.facts, now) >= milestone.threshold;
    if (reached && !badges.has(badgeId)) {
      await earnBadge(
        tx,
        shop,
        member,
        badgeId,
        milestone.badge,
        badges,
        now,
        milestone,
        state.flowLanguage.badgeEarned,
      );
      result.badgesEarned.push(badgeId);
    } else if (!reached && badges.has(badgeId) && milestone.metric !== "membership_years") {
      // Lifetime points and orders can fall with a refund: the badge follows them.
      badges.delete(badgeId);
      await dropBadge(tx, member.id, badgeId);
    }
  }

  if (pointsMoved) await evaluateMemberTier(tx, shop, member, now, result.reversed.length ? "refund" : "earn");
  return result;
}

const lotSource = (challengeId: string, cycle: number) => `challenge:${challengeId}:${cycle}`;

/** When a completion's points leave the hold: an order's hold runs from the completing order. */
function rewardAvailableAt(program: Program, step: Step, now: Date): Date {
  if (!step.orderId) return now;
  return new Date(step.at.getTime() + program.earning.order.holdDays * DAY_MS);
}

/** Records a completion and gives its reward; true when points were credited. */
async function complete(
  tx: Tx,
  shop: LoadedShop,
  member: LockedMember,
  challenge: Challenge,
  cycle: number,
  step: Step,
  now: Date,
  language: ShopperLanguage | null,
): Promise<boolean> {
  const key = completionKey(challenge.id, member.id, cycle);
  const reward = challenge.reward;
  let points = 0;
  let redemptionId: string | null = null;
  let code = "";
  // Held like the completing order's points: a code is only given once the hold ends (a refund
  // before then undoes the completion instead), by releaseChallengePrizes when not at once.
  const availableAt = rewardAvailableAt(shop.program, step, now);
  if (reward?.type === "points") {
    points = reward.points;
    await credit(tx, member, {
      key,
      kind: "bonus",
      points,
      now,
      availableAt,
      expiresAt: expiresAtFor(shop.program, now),
      activityAt: now,
      source: lotSource(challenge.id, cycle),
      sourceType: "challenge",
      sourceId: `${challenge.id}:${cycle}`,
      reason: `Challenge completed: ${challenge.name}`,
    });
  } else if (reward?.type === "reward" && availableAt <= now) {
    const redemption = await givePrize(tx, shop, member.id, reward.rewardId, key, now);
    redemptionId = redemption?.id ?? null;
    code = redemption?.code ?? "";
  }
  await tx.$executeRaw`
    INSERT INTO "ChallengeCompletion" (id, "shopId", "memberId", "challengeId", cycle, "completedAt", "availableAt", points, "prizeRewardId", "redemptionId", "createdAt")
    VALUES (gen_random_uuid()::text, ${shop.id}, ${member.id}, ${challenge.id}, ${cycle}, ${step.at}, ${availableAt}, ${points},
            ${reward?.type === "reward" ? reward.rewardId : null}, ${redemptionId}, ${NOW_UTC})
    ON CONFLICT ("memberId", "challengeId", cycle) DO NOTHING`;
  if (language) {
    const catalogReward =
      reward?.type === "reward" ? shop.program.rewards.find((r) => r.id === reward.rewardId) : undefined;
    await queueFlowEvent(
      tx,
      shop.id,
      "challengeCompleted",
      key,
      member.id,
      {
        "Challenge id": challenge.id,
        "Challenge name": nameIn(challenge, language),
        Points: points,
        Reward: catalogReward ? nameIn(catalogReward, language) : "",
        "Discount code": code,
        "Points balance": member.balance,
      },
      now,
    );
  }
  return points > 0;
}

/** A catalog reward given for a completion (a code the outbox creates), keyed like the completion; null when the catalog no longer has it. */
async function givePrize(tx: Tx, shop: LoadedShop, memberId: string, rewardId: string, key: string, now: Date) {
  const reward = shop.program.rewards.find((candidate) => candidate.id === rewardId);
  return reward ? grantReward(tx, shop, memberId, reward, key, now) : null;
}

const duePrizeRow = z.object({ id: z.string(), shopId: z.string(), memberId: z.string() });
const lockedPrizeRow = z.object({
  challengeId: z.string(),
  cycle: z.number(),
  prizeRewardId: z.string().nullable(),
  redemptionId: z.string().nullable(),
  reversedAt: z.date().nullable(),
});

/**
 * Gives the catalog rewards of completions whose hold has ended (a refund before then undid the
 * completion instead): each once, under the member lock, keyed `challenge:<id>:<member>:<cycle>`.
 * A reward the catalog no longer has is dropped from the completion. Returns how many were given.
 */
export async function releaseChallengePrizes(db: PrismaClient, now: Date, batch = 200): Promise<number> {
  // One batch a pass: a shop without a runnable program keeps its prizes due until a later one.
  const due = rows(
    duePrizeRow,
    await db.$queryRaw`
      SELECT id, "shopId", "memberId" FROM "ChallengeCompletion"
       WHERE "prizeRewardId" IS NOT NULL AND "redemptionId" IS NULL AND "reversedAt" IS NULL AND "availableAt" <= ${now}
       ORDER BY "availableAt" LIMIT ${batch}`,
  );
  let given = 0;
  for (const completion of due) {
    given += await inTransaction(db, async (tx) => {
      const shop = await loadRunnableShop(tx, completion.shopId);
      if (!shop) return 0;
      const member = await lockMember(tx, completion.memberId);
      const [locked] = rows(
        lockedPrizeRow,
        await tx.$queryRaw`
          SELECT "challengeId", cycle, "prizeRewardId", "redemptionId", "reversedAt" FROM "ChallengeCompletion"
           WHERE id = ${completion.id} FOR UPDATE`,
      );
      if (!locked?.prizeRewardId || locked.redemptionId || locked.reversedAt) return 0;
      const key = completionKey(locked.challengeId, member.id, locked.cycle);
      const redemption = await givePrize(tx, shop, member.id, locked.prizeRewardId, key, now);
      // A reward gone from the catalog is not owed any more.
      await tx.$executeRaw`
        UPDATE "ChallengeCompletion"
           SET "redemptionId" = ${redemption?.id ?? null}, "prizeRewardId" = ${redemption ? locked.prizeRewardId : null}
         WHERE id = ${completion.id}`;
      return redemption ? 1 : 0;
    });
  }
  return given;
}

/**
 * Shopify merged two customers and the merged member's orders now count for the kept one: so do its
 * completions (renumbered after the kept member's own cycles of each challenge, so the same orders
 * never complete a challenge twice) and its badges (one each). The leaderboard choice stays the kept
 * member's. Both members are locked by the caller.
 */
export async function moveEngagement(tx: Tx, fromMemberId: string, toMemberId: string) {
  // The subquery reads the statement's snapshot: the kept member's cycles before any row moved.
  await tx.$executeRaw`
    UPDATE "ChallengeCompletion" c
       SET "memberId" = ${toMemberId},
           cycle = c.cycle + COALESCE((SELECT MAX(k.cycle) + 1 FROM "ChallengeCompletion" k
                                        WHERE k."memberId" = ${toMemberId} AND k."challengeId" = c."challengeId"), 0)
     WHERE c."memberId" = ${fromMemberId}`;
  await tx.$executeRaw`
    INSERT INTO "MemberBadge" (id, "shopId", "memberId", "badgeId", icon, "earnedAt")
    SELECT gen_random_uuid()::text, b."shopId", ${toMemberId}, b."badgeId", b.icon, b."earnedAt"
      FROM "MemberBadge" b WHERE b."memberId" = ${fromMemberId}
    ON CONFLICT ("memberId", "badgeId") DO NOTHING`;
  await tx.$executeRaw`DELETE FROM "MemberBadge" WHERE "memberId" = ${fromMemberId}`;
}

async function earnBadge(
  tx: Tx,
  shop: LoadedShop,
  member: LockedMember,
  badgeId: string,
  icon: string,
  badges: Set<string>,
  now: Date,
  named: Parameters<typeof nameIn>[0],
  language: ShopperLanguage | null,
) {
  const inserted = await tx.$executeRaw`
    INSERT INTO "MemberBadge" (id, "shopId", "memberId", "badgeId", icon, "earnedAt")
    VALUES (gen_random_uuid()::text, ${shop.id}, ${member.id}, ${badgeId}, ${icon}, ${now})
    ON CONFLICT ("memberId", "badgeId") DO NOTHING`;
  badges.add(badgeId);
  if (!inserted) return;
  if (language) {
    await queueFlowEvent(
      tx,
      shop.id,
      "badgeEarned",
      `badge:${member.id}:${badgeId}`,
      member.id,
      {
        "Badge id": badgeId,
        "Badge name": nameIn(named, language),
        Icon: icon,
        "Badges earned": badges.size,
      },
      now,
    );
  }
}

async function dropBadge(tx: Tx, memberId: string, badgeId: string) {
  await tx.$executeRaw`DELETE FROM "MemberBadge" WHERE "memberId" = ${memberId} AND "badgeId" = ${badgeId}`;
}
