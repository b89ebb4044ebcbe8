import type { Prisma, PrismaClient } from "@prisma/client";
import { credit, lockMember, type LockedMember, type Tx } from "./ledger.server";
import { queueMemberSync } from "./member-sync.server";
import type { RefundLine } from "./earning";
import { expiresAtFor, type LoadedShop } from "./program.server";
import { decideTier, periodStart, type EvaluationCause, type TierState } from "./tiers";

/** The member's progress under the program's tier metric, over its qualification period. */
export async function tierMetric(db: Tx | PrismaClient, shop: LoadedShop, memberId: string, now: Date): Promise<number> {
  const start = periodStart(shop.program.tiers.period, now);
  if (shop.program.tiers.metric === "points_earned") {
    // What the member earned, net of refunds; a tier's own entry bonus does not count.
    const sums = await db.ledgerEntry.aggregate({
      where: {
        memberId,
        ...(start ? { createdAt: { gte: start } } : {}),
        OR: [
          { kind: "earn" },
          { kind: "action" },
          { kind: "bonus", NOT: { sourceType: "tier" } },
          { kind: "reverse", sourceType: { in: ["refund", "cancellation"] } },
        ],
      },
      _sum: { delta: true, pendingDelta: true },
    });
    return (sums._sum.delta ?? 0) + (sums._sum.pendingDelta ?? 0);
  }
  const orders = await db.order.findMany({
    where: { memberId, paidAt: { not: null }, test: false, cancelledAt: null, ...(start ? { placedAt: { gte: start } } : {}) },
    select: { eligibleCents: true, refunds: { select: { lines: true } } },
  });
  if (shop.program.tiers.metric === "orders_placed") return orders.length;
  const cents = orders.reduce((sum, order) => {
    const refunded = order.refunds.flatMap((r) => r.lines as unknown as RefundLine[]).reduce((s, line) => s + line.subtotalCents, 0);
    return sum + Math.max(0, order.eligibleCents - refunded);
  }, 0);
  return cents / 100;
}

/**
 * Moves a member to the tier the program's rules give them now, under their row lock: records
 * the change, grants a tier's entry bonus the first time it is reached, and queues the sync to
 * Shopify. A function of the member's state, so running it again changes nothing.
 */
export async function evaluateMemberTier(tx: Tx, shop: LoadedShop, member: LockedMember, now: Date, cause: EvaluationCause) {
  const tiers = shop.program.tiers;
  const row = await tx.member.findUniqueOrThrow({ where: { id: member.id }, select: { tierId: true, tierHeldUntil: true } });
  if (!tiers.levels.length && !row.tierId) return null;
  const current: TierState = { tierId: row.tierId, heldUntil: row.tierHeldUntil };
  const metric = await tierMetric(tx, shop, member.id, now);
  const next = tiers.levels.length ? decideTier(tiers, current, metric, now, cause) : { tierId: null, heldUntil: null };
  if (next.tierId === current.tierId && next.heldUntil?.getTime() === current.heldUntil?.getTime()) return next;
  await tx.member.update({ where: { id: member.id }, data: { tierId: next.tierId, tierHeldUntil: next.heldUntil } });
  if (next.tierId !== current.tierId) {
    await tx.tierChange.create({
      data: { shopId: shop.id, memberId: member.id, fromTierId: current.tierId, toTierId: next.tierId, cause, metric },
    });
    const reached = tiers.levels.find((level) => level.id === next.tierId);
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
export async function tierMultiplier(tx: Tx, shop: LoadedShop, memberId: string): Promise<number> {
  const { tierId } = await tx.member.findUniqueOrThrow({ where: { id: memberId }, select: { tierId: true } });
  return shop.program.tiers.levels.find((level) => level.id === tierId)?.earnMultiplier ?? 1;
}

/**
 * Re-evaluates members whose tier can change without an event of theirs: all members after the
 * program changed (new thresholds), else those holding a tier that is no longer retained.
 */
export async function reevaluateTiers(
  db: PrismaClient,
  shop: LoadedShop & { tiersEvaluatedRevision: number },
  now: Date,
  inTransaction: <T>(work: (tx: Prisma.TransactionClient) => Promise<T>) => Promise<T>,
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
      select: { id: true },
      orderBy: { id: "asc" },
      take: 500,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (!batch.length) break;
    for (const { id } of batch) {
      await inTransaction(async (tx) => evaluateMemberTier(tx, shop, await lockMember(tx, id), now, "period"));
      evaluated++;
    }
    cursor = batch[batch.length - 1]!.id;
  }
  if (everyone) {
    await db.shop.update({ where: { id: shop.id }, data: { tiersEvaluatedRevision: shop.programRevision } });
  }
  return evaluated;
}
