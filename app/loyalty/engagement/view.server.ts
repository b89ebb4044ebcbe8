import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { fromBigInt } from "~/db/bigint";
import { rows } from "~/db/rows";
import { inTransaction } from "~/db/transaction.server";
import type { ShopperLanguage } from "~/languages";
import { lockMemberForCustomer, type Tx } from "~/loyalty/points/ledger.server";
import { nameIn, type Challenge, type Program } from "~/loyalty/program/program";
import type { LoadedShop } from "~/loyalty/program/program.server";
import {
  challengeBadgeId,
  challengeOpen,
  challengeProgress,
  daysLeft,
  milestoneBadgeId,
  milestoneValue,
  takesPart,
  type MemberFacts,
} from "./challenges";
import { readEngagementState, type EngagementState } from "./engagement.server";
import { leaderboardMonth, leaderboardName, type LeaderboardChoice } from "./leaderboard";

/** What a shopper sees of challenges, badges and the leaderboard (the member API's part). */

const NO_FACTS = (now: Date): EngagementState => ({
  facts: { orders: [], actions: [], referrals: [], lifetimePoints: 0, memberSince: now } satisfies MemberFacts,
  completions: [],
  badges: [],
  flowLanguage: { challengeCompleted: null, badgeEarned: null },
});

function publicReward(program: Program, challenge: Challenge, language: ShopperLanguage) {
  const reward = challenge.reward;
  if (!reward) return null;
  if (reward.type === "points") return { type: "points" as const, points: reward.points };
  const catalogReward = program.rewards.find((r) => r.id === reward.rewardId);
  return { type: "reward" as const, name: catalogReward ? nameIn(catalogReward, language) : "" };
}

const describedIn = (challenge: Challenge, language: ShopperLanguage) =>
  challenge.translations?.[language]?.description ?? challenge.description;

/** The member's challenges (running ones, and finished ones they completed) and badges. */
export async function engagementView(
  db: PrismaClient,
  shop: LoadedShop,
  member: { id: string; tierId: string | null } | null,
  language: ShopperLanguage,
  now = new Date(),
) {
  const program = shop.program;
  const { challenges, milestones } = program.engagement;
  if (!program.enabled || (!challenges.length && !milestones.length)) {
    return { challenges: [], badges: { earned: [], next: [] } };
  }
  const state = member ? await readEngagementState(db, shop.program, member.id, shop.id) : NO_FACTS(now);
  const visible = challenges.flatMap((challenge) => {
    const completedCycles = state.completions.filter((c) => c.challengeId === challenge.id && !c.reversedAt).length;
    const completed = completedCycles > 0;
    if (!takesPart(challenge, member?.tierId ?? null) && !completed) return [];
    if (!challengeOpen(challenge, now) && !completed) return [];
    const progress = challengeProgress(challenge, state.facts, now);
    const done = completed && !challenge.repeatable;
    const deadline = done ? null : progress.deadline;
    return [
      {
        id: challenge.id,
        name: nameIn(challenge, language),
        description: describedIn(challenge, language),
        badge: challenge.badge,
        progress: { current: done ? progress.target : progress.current, target: progress.target, unit: progress.unit },
        endsAt: deadline?.toISOString() ?? null,
        daysLeft: daysLeft(deadline, now),
        completed,
        timesCompleted: completedCycles,
        reward: publicReward(program, challenge, language),
      },
    ];
  });
  const named = new Map<string, { name: string; icon: string }>([
    ...challenges.flatMap((c) =>
      c.badge ? [[challengeBadgeId(c.id), { name: nameIn(c, language), icon: c.badge }] as const] : [],
    ),
    ...milestones.map((m) => [milestoneBadgeId(m.id), { name: nameIn(m, language), icon: m.badge }] as const),
  ]);
  const earnedIds = new Set(state.badges.map((badge) => badge.badgeId));
  return {
    challenges: visible,
    badges: {
      earned: state.badges.flatMap((badge) => {
        const known = named.get(badge.badgeId);
        return known
          ? [{ id: badge.badgeId, name: known.name, icon: badge.icon, earnedAt: badge.earnedAt.toISOString() }]
          : [];
      }),
      next: milestones
        .filter((milestone) => !earnedIds.has(milestoneBadgeId(milestone.id)))
        .map((milestone) => ({
          id: milestoneBadgeId(milestone.id),
          name: nameIn(milestone, language),
          icon: milestone.badge,
          current: Math.min(milestoneValue(milestone, state.facts, now), milestone.threshold),
          target: milestone.threshold,
        })),
    },
  };
}

const standingRow = z.object({
  id: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  leaderboardName: z.string().nullable(),
  points: z.bigint(),
  rank: z.bigint(),
  place: z.bigint(),
});

/**
 * The points a member earned this month (UTC), for the leaderboard: earning credits less what
 * refunds, cancellations and undone referrals or challenges took back of them. Redemptions,
 * expiry and staff adjustments do not move it.
 */
const EARNED_THIS_MONTH = Prisma.sql`(e.kind IN ('earn', 'bonus', 'action', 'partner') OR (e.kind = 'reverse' AND e."sourceType" IN ('refund', 'cancellation', 'referral', 'challenge')))`;

/**
 * The month's leaderboard: the top `size` shoppers who opted in, ranked by points earned this
 * month (ties share a rank), and where the member stands. Null when the program has none.
 */
export async function leaderboardView(
  db: PrismaClient,
  shop: LoadedShop,
  member: { id: string; leaderboardOptIn: boolean; leaderboardName: string | null } | null,
  now = new Date(),
) {
  const board = shop.program.engagement.leaderboard;
  if (!shop.program.enabled || !board.enabled) return null;
  const month = leaderboardMonth(now);
  const standings = rows(
    standingRow,
    await db.$queryRaw`
      WITH scores AS (
         SELECT m.id, m."firstName", m."lastName", m."leaderboardName", SUM(e.delta + e."pendingDelta")::bigint AS points
           FROM "Member" m JOIN "LedgerEntry" e ON e."memberId" = m.id AND e."createdAt" >= ${month.start} AND ${EARNED_THIS_MONTH}
          WHERE m."shopId" = ${shop.id} AND m."leaderboardOptIn" AND m."deletedAt" IS NULL AND m."redactedAt" IS NULL
          GROUP BY m.id HAVING SUM(e.delta + e."pendingDelta") > 0),
       ranked AS (
         SELECT *, RANK() OVER (ORDER BY points DESC)::bigint AS rank, ROW_NUMBER() OVER (ORDER BY points DESC, id)::bigint AS place FROM scores)
       SELECT * FROM ranked WHERE place <= ${board.size} OR id = ${member?.id ?? ""} ORDER BY place`,
  );
  const mine = standings.find((standing) => standing.id === member?.id);
  return {
    optedIn: member?.leaderboardOptIn ?? false,
    nickname: member?.leaderboardName ?? null,
    month: month.label,
    top: standings
      .filter((standing) => standing.place <= BigInt(board.size))
      .map((standing) => ({
        rank: Number(standing.rank),
        name: leaderboardName(standing),
        points: fromBigInt(standing.points),
        you: standing.id === member?.id,
      })),
    you: mine ? { rank: Number(mine.rank), points: fromBigInt(mine.points) } : null,
  };
}

export type LeaderboardResult = { status: "saved"; optedIn: boolean; nickname: string | null } | { status: "disabled" };

/**
 * The shopper joins or leaves the leaderboard (leaving forgets their nickname too). Joining
 * without a nickname keeps the one they chose before; an explicit null clears it.
 */
export async function chooseLeaderboard(
  db: PrismaClient,
  shop: LoadedShop,
  customerId: string,
  choice: LeaderboardChoice,
): Promise<LeaderboardResult> {
  if (!shop.program.enabled || !shop.program.engagement.leaderboard.enabled) return { status: "disabled" };
  return inTransaction(db, async (tx: Tx) => {
    const member = await lockMemberForCustomer(tx, shop.id, customerId);
    const { leaderboardName: before } = await tx.member.findUniqueOrThrow({
      where: { id: member.id },
      select: { leaderboardName: true },
    });
    const nickname = !choice.optIn ? null : choice.nickname === undefined ? before : choice.nickname;
    await tx.member.update({
      where: { id: member.id },
      data: { leaderboardOptIn: choice.optIn, leaderboardName: nickname },
    });
    return { status: "saved" as const, optedIn: choice.optIn, nickname };
  });
}

/** For the admin: how many members completed each challenge (undone completions aside) and hold each badge. */
export async function engagementCounts(db: PrismaClient, shopId: string) {
  const [completions, badges] = await Promise.all([
    db.challengeCompletion.groupBy({
      by: ["challengeId"],
      where: { shopId, reversedAt: null },
      _count: { _all: true },
    }),
    db.memberBadge.groupBy({ by: ["badgeId"], where: { shopId }, _count: { _all: true } }),
  ]);
  return {
    completions: Object.fromEntries(completions.map((row) => [row.challengeId, row._count._all])),
    badges: Object.fromEntries(badges.map((row) => [row.badgeId, row._count._all])),
  };
}
