import { nextRewardFlowFields } from "~/loyalty/program/next-reward";
import { randomUUID } from "node:crypto";
import { Prisma, type PrismaClient } from "@prisma/client";
import { inTransaction } from "~/db/transaction.server";
import { flowTriggerLanguage, queueFlowEvents } from "~/loyalty/points/flow-events.server";
import { NOW_UTC } from "~/db/clock.server";
import { lockMembers, type LockedMember, type Tx } from "~/loyalty/points/ledger.server";
import { queueMemberSyncs } from "~/loyalty/points/member-sync.server";
import { refundedAmount, type WeightedLine } from "~/loyalty/points/earning";
import type { RefundLine } from "~/shopify/order-payloads";
import { nameIn, type TierLevel } from "~/loyalty/program/program";
import { expiresAtFor, type LoadedShop } from "~/loyalty/program/program.server";
import {
  AMOUNT_METRIC_DIGITS,
  decideMemberTier,
  withComp,
  periodStart,
  sameTierState,
  type EvaluationCause,
  type MemberTierState,
} from "./tiers";
import { minorUnitDigits } from "~/money/currency";
import { rescaleMinorUnits } from "~/money/money";
import { fromBigInt } from "~/db/bigint";
import { shopperText } from "~/shopper-text/shopper-text";

/** Members' progress under the program's tier metric, over its qualification period. */
export async function tierMetrics(
  db: Tx | PrismaClient,
  shop: LoadedShop,
  memberIds: string[],
  now: Date,
): Promise<Map<string, number>> {
  const start = periodStart(shop.program.tiers.period, now);
  const metrics = new Map<string, number>();
  if (shop.program.tiers.metric === "points_earned") {
    // What the member earned, net of refunds; a tier's own entry bonus does not count.
    const sums = await db.$queryRaw<{ memberId: string; earned: bigint }[]>`
      SELECT "memberId", SUM(delta + "pendingDelta")::bigint AS earned FROM "LedgerEntry"
       WHERE "memberId" = ANY(${memberIds}) ${start ? Prisma.sql`AND "createdAt" >= ${start}` : Prisma.empty}
         AND (kind IN ('earn', 'action', 'partner') OR (kind = 'bonus' AND "sourceType" <> 'tier')
              OR (kind = 'reverse' AND "sourceType" IN ('refund', 'cancellation')))
       GROUP BY "memberId"`;
    for (const sum of sums) metrics.set(sum.memberId, fromBigInt(sum.earned));
    return metrics;
  }
  const orders = await db.order.findMany({
    where: {
      memberId: { in: memberIds },
      paidAt: { not: null },
      test: false,
      cancelledAt: null,
      ...(start ? { placedAt: { gte: start } } : {}),
    },
    select: {
      memberId: true,
      eligibleCents: true,
      currencyCode: true,
      lines: true,
      refunds: { select: { lines: true } },
    },
  });
  for (const order of orders) {
    const value = shop.program.tiers.metric === "orders_placed" ? 1 : fromBigInt(amountSpent(order));
    metrics.set(order.memberId!, (metrics.get(order.memberId!) ?? 0) + value);
  }
  return metrics;
}

/** What an order counts towards amount_spent, net of its refunds, in thousandths of its currency unit. */
function amountSpent(order: {
  eligibleCents: bigint;
  currencyCode: string | null;
  lines: Prisma.JsonValue;
  refunds: { lines: Prisma.JsonValue }[];
}): bigint {
  const digits = minorUnitDigits(order.currencyCode);
  const refunded = refundedAmount(
    order.refunds.flatMap((refund) => refund.lines as unknown as RefundLine[]),
    digits,
    order.lines as unknown as WeightedLine[] | null,
  );
  const kept = order.eligibleCents - refunded;
  return kept > 0n ? rescaleMinorUnits(kept, digits, AMOUNT_METRIC_DIGITS) : 0n;
}

/**
 * Moves a member to the tier the program's rules give them now, under their row lock: records
 * the change, grants a tier's entry bonus the first time it is reached, and queues the sync to
 * Shopify. A function of the member's state, so running it again changes nothing.
 */
export async function evaluateMemberTier(
  tx: Tx,
  shop: LoadedShop,
  member: LockedMember,
  now: Date,
  cause: EvaluationCause,
  /** The member's metric, read under their lock by a caller that reads many at once. */
  knownMetric?: number,
) {
  if (!shop.program.tiers.levels.length && !member.tierId) return;
  const metric = knownMetric ?? (await tierMetrics(tx, shop, [member.id], now)).get(member.id) ?? 0;
  await moveTiers(tx, shop, [{ member, metric }], now, cause);
}

/**
 * evaluateMemberTier for many locked members at once: the same decisions, written a statement per
 * kind of row for all of them (tiers, tier changes, Flow events, entry bonuses with their lots
 * and balances, syncs), so a mass re-evaluation costs a few statements per hundred movers.
 */
export async function moveTiers(
  tx: Tx,
  shop: LoadedShop,
  members: { member: LockedMember; metric: number }[],
  now: Date,
  cause: EvaluationCause,
) {
  const tiers = shop.program.tiers;
  const moves = members.flatMap(({ member, metric }) => {
    const current = memberTierState(member);
    const next = decideMemberTier(tiers, current, metric, now, cause);
    return sameTierState(next, current) ? [] : [{ member, metric, current, next }];
  });
  if (!moves.length) return;
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  await tx.$executeRaw`
    UPDATE "Member" m SET "tierId" = u."tierId", "tierHeldUntil" = u."heldUntil", "compTierId" = u."compTierId",
           "compTierUntil" = u."compTierUntil", "earnedTierId" = u."earnedTierId", "updatedAt" = ${NOW_UTC}
      FROM unnest(${moves.map((move) => move.member.id)}::text[], ${moves.map((move) => move.next.tierId)}::text[],
                  ${moves.map((move) => iso(move.next.heldUntil))}::timestamp(3)[],
                  ${moves.map((move) => move.next.compTierId)}::text[],
                  ${moves.map((move) => iso(move.next.compTierUntil))}::timestamp(3)[],
                  ${moves.map((move) => move.next.earnedTierId)}::text[])
        AS u(id, "tierId", "heldUntil", "compTierId", "compTierUntil", "earnedTierId")
     WHERE m.id = u.id`;
  for (const { member, next } of moves) {
    member.tierId = next.tierId;
    member.tierHeldUntil = next.heldUntil;
    member.compTierId = next.compTierId;
    member.compTierUntil = next.compTierUntil;
    member.earnedTierId = next.earnedTierId;
  }
  const changes = moves
    .filter((move) => move.next.tierId !== move.current.tierId)
    .map((move) => ({ ...move, changeId: randomUUID() }));
  if (!changes.length) return;
  await tx.$executeRaw`
    INSERT INTO "TierChange" (id, "shopId", "memberId", "fromTierId", "toTierId", cause, metric, "createdAt")
    SELECT c.id, ${shop.id}, c."memberId", c."fromTierId", c."toTierId", ${cause}, c.metric, ${NOW_UTC}
      FROM unnest(${changes.map((change) => change.changeId)}::text[], ${changes.map((change) => change.member.id)}::text[],
                  ${changes.map((change) => change.current.tierId)}::text[], ${changes.map((change) => change.next.tierId)}::text[],
                  ${changes.map((change) => change.metric)}::int8[]) AS c(id, "memberId", "fromTierId", "toTierId", metric)`;
  const rank = (tierId: string | null) => tiers.levels.findIndex((level) => level.id === tierId);
  const flowLanguage = await flowTriggerLanguage(tx, shop.id, "tierChanged");
  if (flowLanguage) {
    const tierName = (tierId: string | null) => {
      const level = tiers.levels.find((candidate) => candidate.id === tierId);
      return level ? nameIn(level, flowLanguage) : "";
    };
    await queueFlowEvents(
      tx,
      shop.id,
      "tierChanged",
      changes.map(({ member, current, next, changeId }) => ({
        eventKey: `tier:${changeId}`,
        memberId: member.id,
        fields: {
          "Previous tier": tierName(current.tierId),
          "New tier": tierName(next.tierId),
          // Levels are ordered from the lowest; no tier ranks below them all (-1).
          Direction: rank(next.tierId) > rank(current.tierId) ? "up" : "down",
          "Points balance": member.balance,
        },
      })),
      now,
    );
  }
  await grantEntryBonuses(
    tx,
    shop,
    changes.flatMap(({ member, next }) => {
      const reached = tiers.levels.find((level) => level.id === next.tierId);
      return reached && reached.entryBonusPoints > 0 ? [{ member, tier: reached }] : [];
    }),
    now,
  );
  await queueMemberSyncs(
    tx,
    shop.id,
    changes.map((change) => change.member.id),
    now,
  );
}

/**
 * A tier's entry bonus, the first time each member reaches it (keyed `tier-entry:<member>:<tier>`):
 * entry, lot and balance in one statement, as credit() writes them one at a time.
 */
async function grantEntryBonuses(
  tx: Tx,
  shop: LoadedShop,
  bonuses: { member: LockedMember; tier: TierLevel }[],
  now: Date,
) {
  if (!bonuses.length) return;
  const keyOf = ({ member, tier }: (typeof bonuses)[number]) => `tier-entry:${member.id}:${tier.id}`;
  const granted = await tx.$queryRaw<{ memberId: string }[]>`
    WITH bonus AS (
      SELECT * FROM unnest(${bonuses.map(({ member }) => member.id)}::text[], ${bonuses.map(keyOf)}::text[], ${bonuses.map(({ tier }) => tier.id)}::text[],
                           ${bonuses.map(({ tier }) => tier.entryBonusPoints)}::int8[], ${bonuses.map(({ tier }) => `Welcome to ${tier.name}`)}::text[])
        AS b("memberId", key, "tierId", points, reason)
    ), entries AS (
      INSERT INTO "LedgerEntry" (id, "shopId", "memberId", delta, "pendingDelta", kind, "idempotencyKey", "sourceType", "sourceId", reason, "createdAt")
      SELECT gen_random_uuid()::text, ${shop.id}, b."memberId", b.points, 0, 'bonus', b.key, 'tier', b."tierId", b.reason, ${NOW_UTC} FROM bonus b
      ON CONFLICT ("shopId", "idempotencyKey") DO NOTHING
      RETURNING "memberId", "sourceId", delta
    ), lots AS (
      INSERT INTO "PointLot" (id, "shopId", "memberId", amount, remaining, held, "availableAt", "expiresAt", source, "createdAt")
      SELECT gen_random_uuid()::text, ${shop.id}, e."memberId", e.delta, e.delta, false, ${now}, ${expiresAtFor(shop.program, now)}, 'tier:' || e."sourceId", ${NOW_UTC}
        FROM entries e
    ), balances AS (
      UPDATE "Member" m SET balance = m.balance + e.delta, "updatedAt" = ${NOW_UTC} FROM entries e WHERE m.id = e."memberId" RETURNING m.id
    )
    SELECT id AS "memberId" FROM balances`;
  const grantedTo = new Set(granted.map((row) => row.memberId));
  const credited = bonuses.filter(({ member }) => grantedTo.has(member.id));
  for (const { member, tier } of credited) member.balance += tier.entryBonusPoints;
  await queueMemberSyncs(
    tx,
    shop.id,
    credited.map(({ member }) => member.id),
    now,
  );
  const flowLanguage = await flowTriggerLanguage(tx, shop.id, "pointsEarned");
  if (!flowLanguage) return;
  const t = shopperText(flowLanguage, "flow");
  await queueFlowEvents(
    tx,
    shop.id,
    "pointsEarned",
    credited.map((bonus) => ({
      eventKey: `earned:${keyOf(bonus)}`,
      memberId: bonus.member.id,
      fields: {
        Points: bonus.tier.entryBonusPoints,
        "Points balance": bonus.member.balance,
        "Pending points": bonus.member.pending,
        Reason: t("tierWelcome", { tier: nameIn(bonus.tier, flowLanguage) }),
        "Available now": true,
        ...nextRewardFlowFields(shop.program, bonus.member.balance, bonus.tier.id, flowLanguage),
      },
    })),
    now,
  );
}

/** A member row's tier state, as decideMemberTier reads it. */
function memberTierState(member: {
  tierId: string | null;
  tierHeldUntil: Date | null;
  compTierId: string | null;
  compTierUntil: Date | null;
  earnedTierId: string | null;
}): MemberTierState {
  return {
    tierId: member.tierId,
    heldUntil: member.tierHeldUntil,
    compTierId: member.compTierId,
    compTierUntil: member.compTierUntil,
    earnedTierId: member.earnedTierId,
  };
}

/**
 * Gives a locked member a tier until a date (a comp): they hold the higher of it and the tier
 * they earn until then, then drop to the earned tier (the hourly re-evaluation). The move, if any,
 * goes through moveTiers: its history, Flow trigger, entry bonus and tag sync. A later comp
 * replaces an earlier one.
 */
export async function compMemberTier(
  tx: Tx,
  shop: LoadedShop,
  member: LockedMember,
  comp: { tierId: string; until: Date },
  now: Date,
) {
  const given = withComp(memberTierState(member), comp.tierId, comp.until);
  Object.assign(member, {
    compTierId: given.compTierId,
    compTierUntil: given.compTierUntil,
    earnedTierId: given.earnedTierId,
  });
  const metric = (await tierMetrics(tx, shop, [member.id], now)).get(member.id) ?? 0;
  // The comp itself is written even when the tier does not move (it may outlast a later demotion).
  await tx.$executeRaw`
    UPDATE "Member" SET "compTierId" = ${given.compTierId}, "compTierUntil" = ${given.compTierUntil},
           "earnedTierId" = ${given.earnedTierId}, "updatedAt" = ${NOW_UTC}
     WHERE id = ${member.id}`;
  await moveTiers(tx, shop, [{ member, metric }], now, "comp");
}

/** The multiplier of the member's current tier on points for orders. */
export function tierMultiplier(shop: LoadedShop, member: LockedMember): number {
  return shop.program.tiers.levels.find((level) => level.id === member.tierId)?.earnMultiplier ?? 1;
}

const MOVERS_PER_TRANSACTION = 100;

/**
 * Re-evaluates members whose tier can change without an event of theirs: all members after the
 * program changed (new thresholds), else those holding a tier that is no longer retained.
 */
export async function reevaluateTiers(
  db: PrismaClient,
  shop: LoadedShop & { tiersEvaluatedRevision: number },
  now: Date,
): Promise<number> {
  const everyone = shop.tiersEvaluatedRevision !== shop.programRevision;
  if (!everyone && !shop.program.tiers.levels.length) return 0;
  let evaluated = 0;
  let cursor: string | undefined;
  for (;;) {
    const batch = await db.member.findMany({
      where: {
        shopId: shop.id,
        shopifyCustomerId: { not: null },
        ...(everyone
          ? {}
          : {
              tierId: { not: null },
              // A retention or a comp that has ended.
              OR: [{ tierHeldUntil: null }, { tierHeldUntil: { lte: now } }, { compTierUntil: { lte: now } }],
            }),
      },
      select: {
        id: true,
        tierId: true,
        tierHeldUntil: true,
        compTierId: true,
        compTierUntil: true,
        earnedTierId: true,
      },
      orderBy: { id: "asc" },
      take: 1000,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (!batch.length) break;
    // One query decides the batch; only members whose tier moves are locked and written, a
    // chunk per transaction (one commit per mover made a mass change slow).
    const metrics = await tierMetrics(
      db,
      shop,
      batch.map((member) => member.id),
      now,
    );
    const movers = batch.filter((member) => {
      const current = memberTierState(member);
      const next = decideMemberTier(shop.program.tiers, current, metrics.get(member.id) ?? 0, now, "period");
      return !sameTierState(next, current);
    });
    evaluated += batch.length;
    for (let start = 0; start < movers.length; start += MOVERS_PER_TRANSACTION) {
      const chunk = movers.slice(start, start + MOVERS_PER_TRANSACTION).map((member) => member.id);
      await inTransaction(db, async (tx) => {
        const locked = await lockMembers(tx, chunk);
        // Re-read under the locks: an order may have moved a member meanwhile.
        const fresh = await tierMetrics(tx, shop, chunk, now);
        await moveTiers(
          tx,
          shop,
          locked.map((member) => ({ member, metric: fresh.get(member.id) ?? 0 })),
          now,
          "period",
        );
      });
    }
    cursor = batch[batch.length - 1]!.id;
  }
  if (everyone) {
    await db.shop.update({ where: { id: shop.id }, data: { tiersEvaluatedRevision: shop.programRevision } });
  }
  return evaluated;
}
