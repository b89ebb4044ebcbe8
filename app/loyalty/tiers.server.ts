import { Prisma, type PrismaClient } from "@prisma/client";
import { inTransaction } from "~/db/transaction.server";
import { queueFlowEvent } from "./flow-events.server";
import { credit, lockMembers, NOW_UTC, type LockedMember, type Tx } from "./ledger.server";
import { queueMemberSync } from "./member-sync.server";
import type { RefundLine } from "./earning";
import { expiresAtFor, type LoadedShop } from "./program.server";
import { decideTier, periodStart, type EvaluationCause, type TierState } from "./tiers";

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
    const sums = await db.$queryRaw<{ memberId: string; earned: number }[]>`
      SELECT "memberId", SUM(delta + "pendingDelta")::int AS earned FROM "LedgerEntry"
       WHERE "memberId" = ANY(${memberIds}) ${start ? Prisma.sql`AND "createdAt" >= ${start}` : Prisma.empty}
         AND (kind IN ('earn', 'action') OR (kind = 'bonus' AND "sourceType" <> 'tier')
              OR (kind = 'reverse' AND "sourceType" IN ('refund', 'cancellation')))
       GROUP BY "memberId"`;
    for (const sum of sums) metrics.set(sum.memberId, sum.earned);
    return metrics;
  }
  const orders = await db.order.findMany({
    where: { memberId: { in: memberIds }, paidAt: { not: null }, test: false, cancelledAt: null, ...(start ? { placedAt: { gte: start } } : {}) },
    select: { memberId: true, eligibleCents: true, refunds: { select: { lines: true } } },
  });
  for (const order of orders) {
    const value =
      shop.program.tiers.metric === "orders_placed"
        ? 1
        : Math.max(
            0,
            order.eligibleCents -
              order.refunds.flatMap((r) => r.lines as unknown as RefundLine[]).reduce((sum, line) => sum + line.subtotalCents, 0),
          ) / 100;
    metrics.set(order.memberId!, (metrics.get(order.memberId!) ?? 0) + value);
  }
  return metrics;
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
  const tiers = shop.program.tiers;
  if (!tiers.levels.length && !member.tierId) return null;
  const current: TierState = { tierId: member.tierId, heldUntil: member.tierHeldUntil };
  const metric = knownMetric ?? (await tierMetrics(tx, shop, [member.id], now)).get(member.id) ?? 0;
  const next = tiers.levels.length ? decideTier(tiers, current, metric, now, cause) : { tierId: null, heldUntil: null };
  if (next.tierId === current.tierId && next.heldUntil?.getTime() === current.heldUntil?.getTime()) return next;
  await tx.$executeRaw`
    UPDATE "Member" SET "tierId" = ${next.tierId}, "tierHeldUntil" = ${next.heldUntil}, "updatedAt" = ${NOW_UTC} WHERE id = ${member.id}`;
  member.tierId = next.tierId;
  member.tierHeldUntil = next.heldUntil;
  if (next.tierId !== current.tierId) {
    const [change] = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO "TierChange" (id, "shopId", "memberId", "fromTierId", "toTierId", cause, metric, "createdAt")
      VALUES (gen_random_uuid()::text, ${shop.id}, ${member.id}, ${current.tierId}, ${next.tierId}, ${cause}, ${metric}, ${NOW_UTC})
      RETURNING id`;
    const reached = tiers.levels.find((level) => level.id === next.tierId);
    const left = tiers.levels.find((level) => level.id === current.tierId);
    await queueFlowEvent(tx, shop.id, "tierChanged", `tier:${change!.id}`, member.id, {
      "Previous tier": left?.name ?? "",
      "New tier": reached?.name ?? "",
      // Levels are ordered from the lowest; no tier ranks below them all (-1).
      Direction: tiers.levels.findIndex((level) => level.id === next.tierId) > tiers.levels.findIndex((level) => level.id === current.tierId) ? "up" : "down",
      "Points balance": member.balance,
    }, now);
    if (reached && reached.entryBonusPoints > 0) {
      await credit(tx, member, {
        key: `tier-entry:${member.id}:${reached.id}`,
        kind: "bonus",
        points: reached.entryBonusPoints,
        now,
        availableAt: now,
        expiresAt: expiresAtFor(shop.program, now),
        source: `tier:${reached.id}`,
        sourceType: "tier",
        sourceId: reached.id,
        reason: `Welcome to ${reached.name}`,
      });
    }
    await queueMemberSync(tx, shop.id, member.id, now);
  }
  return next;
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
        ...(everyone ? {} : { tierId: { not: null }, OR: [{ tierHeldUntil: null }, { tierHeldUntil: { lte: now } }] }),
      },
      select: { id: true, tierId: true, tierHeldUntil: true },
      orderBy: { id: "asc" },
      take: 1000,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (!batch.length) break;
    // One query decides the batch; only members whose tier moves are locked and written, a
    // chunk per transaction (one commit per mover made a mass change slow).
    const metrics = await tierMetrics(db, shop, batch.map((member) => member.id), now);
    const movers = batch.filter((member) => {
      const current = { tierId: member.tierId, heldUntil: member.tierHeldUntil };
      const next = shop.program.tiers.levels.length
        ? decideTier(shop.program.tiers, current, metrics.get(member.id) ?? 0, now, "period")
        : { tierId: null, heldUntil: null };
      return next.tierId !== current.tierId || next.heldUntil?.getTime() !== current.heldUntil?.getTime();
    });
    evaluated += batch.length;
    for (let start = 0; start < movers.length; start += MOVERS_PER_TRANSACTION) {
      const chunk = movers.slice(start, start + MOVERS_PER_TRANSACTION).map((member) => member.id);
      await inTransaction(db, async (tx) => {
        const locked = await lockMembers(tx, chunk);
        // Re-read under the locks: an order may have moved a member meanwhile.
        const fresh = await tierMetrics(tx, shop, chunk, now);
        for (const member of locked) await evaluateMemberTier(tx, shop, member, now, "period", fresh.get(member.id) ?? 0);
      });
    }
    cursor = batch[batch.length - 1]!.id;
  }
  if (everyone) {
    await db.shop.update({ where: { id: shop.id }, data: { tiersEvaluatedRevision: shop.programRevision } });
  }
  return evaluated;
}
