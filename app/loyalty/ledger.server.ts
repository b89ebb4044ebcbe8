import type { Prisma, PrismaClient } from "@prisma/client";
import { queueFlowEvent } from "./flow-events.server";
import { queueMemberSync } from "./member-sync.server";

/**
 * The ledger: every change to a member's points is an entry under an idempotency key unique per
 * shop, written in the same transaction as the lots it moves and the member's cached balance.
 * Callers hold the member's row lock (lockMember…) for the whole transaction, so writers to one
 * member serialise and a key checked under the lock cannot be written twice.
 */

export type Tx = Prisma.TransactionClient;

export interface LockedMember {
  id: string;
  shopId: string;
  balance: number;
  pending: number;
}

export async function lockMember(tx: Tx, memberId: string): Promise<LockedMember> {
  const [member] = await tx.$queryRaw<LockedMember[]>`
    SELECT id, "shopId", balance, pending FROM "Member" WHERE id = ${memberId} FOR UPDATE`;
  if (!member) throw new Error(`member ${memberId} not found`);
  return member;
}

/** Several members locked at once, in id order (as single locks are taken), for batch work. */
export async function lockMembers(tx: Tx, memberIds: string[]): Promise<LockedMember[]> {
  return tx.$queryRaw<LockedMember[]>`
    SELECT id, "shopId", balance, pending FROM "Member" WHERE id = ANY(${memberIds}) ORDER BY id FOR UPDATE`;
}

/** The member for a Shopify customer, created on first sight, locked for the transaction. */
export async function lockMemberForCustomer(
  tx: Tx,
  shopId: string,
  shopifyCustomerId: string,
  profile: { email?: string | null } = {},
): Promise<LockedMember> {
  await tx.member.createMany({
    data: [{ shopId, shopifyCustomerId, email: profile.email ?? null }],
    skipDuplicates: true,
  });
  const [member] = await tx.$queryRaw<LockedMember[]>`
    SELECT id, "shopId", balance, pending FROM "Member"
     WHERE "shopId" = ${shopId} AND "shopifyCustomerId" = ${shopifyCustomerId} FOR UPDATE`;
  return member!;
}

export async function entryExists(tx: Tx, shopId: string, idempotencyKey: string): Promise<boolean> {
  const entry = await tx.ledgerEntry.findUnique({
    where: { shopId_idempotencyKey: { shopId, idempotencyKey } },
    select: { id: true },
  });
  return entry !== null;
}

interface EntryCause {
  key: string;
  kind: string;
  orderId?: string | null;
  sourceType?: string | null;
  sourceId?: string | null;
  reason?: string | null;
  staffId?: string | null;
}

export interface CreditInput extends EntryCause {
  points: number;
  now: Date;
  /** Later than `now`: the points are pending until then. */
  availableAt: Date;
  expiresAt: Date | null;
  source: string;
  /** Counts as earning activity (inactivity expiry restarts from `activityAt`). */
  activityAt?: Date;
}

/** Credits a shopper earned (Flow's "points earned"): not adjustments, reversals or merges. */
const EARNING_KINDS = new Set(["earn", "bonus", "action"]);
const earningReason = (input: CreditInput) => {
  if (input.reason) return input.reason;
  if (input.sourceType === "action") return `Action: ${input.sourceId}`;
  return { order: "Order", signup: "Account created", birthday: "Birthday" }[input.sourceType ?? ""] ?? input.kind;
};

/** Adds a lot and its entry. False when the key was already written (or nothing to credit). */
export async function credit(tx: Tx, member: LockedMember, input: CreditInput): Promise<boolean> {
  if (input.points <= 0 || (await entryExists(tx, member.shopId, input.key))) return false;
  const held = input.availableAt > input.now;
  await tx.pointLot.create({
    data: {
      shopId: member.shopId,
      memberId: member.id,
      orderId: input.orderId ?? null,
      amount: input.points,
      remaining: input.points,
      held,
      availableAt: input.availableAt,
      expiresAt: input.expiresAt,
      source: input.source,
    },
  });
  await writeEntry(tx, member, input, held ? 0 : input.points, held ? input.points : 0);
  if (EARNING_KINDS.has(input.kind)) {
    await queueFlowEvent(tx, member.shopId, "pointsEarned", `earned:${input.key}`, member.id, {
      Points: input.points,
      "Points balance": member.balance,
      "Pending points": member.pending,
      Reason: earningReason(input),
      "Available now": !held,
    }, input.now);
  }
  if (input.activityAt) {
    await tx.$executeRaw`
      UPDATE "Member" SET "lastEarnedAt" = GREATEST(COALESCE("lastEarnedAt", ${input.activityAt}), ${input.activityAt})
       WHERE id = ${member.id}`;
  }
  return true;
}

export interface DebitInput extends EntryCause {
  points: number;
  now: Date;
  /** Take this order's lots first (refunds and cancellations act on the points of their order). */
  fromOrderId?: string | null;
  /** Reversals may take pending points; spending never does. */
  includePending: boolean;
}

export interface DebitResult {
  debited: number;
  /** What could not be taken because the member no longer holds it. */
  shortfall: number;
}

/**
 * Takes points from the lots that expire soonest (oldest first when they do not expire).
 * Null when the key was already written.
 */
export async function debit(tx: Tx, member: LockedMember, input: DebitInput): Promise<DebitResult | null> {
  if (input.points <= 0) return { debited: 0, shortfall: 0 };
  if (await entryExists(tx, member.shopId, input.key)) return null;
  const lots = await tx.pointLot.findMany({
    where: { memberId: member.id, remaining: { gt: 0 }, ...(input.includePending ? {} : { held: false }) },
    orderBy: [{ expiresAt: { sort: "asc", nulls: "last" } }, { availableAt: "asc" }, { createdAt: "asc" }],
  });
  const ordered = [
    ...lots.filter((lot) => input.fromOrderId && lot.orderId === input.fromOrderId),
    ...lots.filter((lot) => !(input.fromOrderId && lot.orderId === input.fromOrderId) && !lot.held),
    ...lots.filter((lot) => !(input.fromOrderId && lot.orderId === input.fromOrderId) && lot.held),
  ];
  let needed = input.points;
  let fromBalance = 0;
  let fromPending = 0;
  for (const lot of ordered) {
    if (needed === 0) break;
    const take = Math.min(needed, lot.remaining);
    await tx.pointLot.update({ where: { id: lot.id }, data: { remaining: { decrement: take } } });
    if (lot.held) fromPending += take;
    else fromBalance += take;
    needed -= take;
  }
  const debited = fromBalance + fromPending;
  if (debited > 0 || needed > 0) {
    const shortfallNote = needed > 0 ? `${needed} points already spent` : null;
    await writeEntry(tx, member, { ...input, reason: [input.reason, shortfallNote].filter(Boolean).join("; ") || null }, -fromBalance, -fromPending);
  }
  return { debited, shortfall: needed };
}

/** Pending lots whose hold has passed become spendable: one `release` entry per lot. */
export async function releaseDueLots(tx: Tx, member: LockedMember, now: Date): Promise<number> {
  const due = await tx.pointLot.findMany({ where: { memberId: member.id, held: true, availableAt: { lte: now } } });
  let released = 0;
  for (const lot of due) {
    await tx.pointLot.update({ where: { id: lot.id }, data: { held: false } });
    if (lot.remaining > 0) {
      await writeEntry(tx, member, { key: `release:${lot.id}`, kind: "release", orderId: lot.orderId }, lot.remaining, -lot.remaining);
      released += lot.remaining;
    }
  }
  return released;
}

async function writeEntry(tx: Tx, member: LockedMember, cause: EntryCause, delta: number, pendingDelta: number) {
  await tx.ledgerEntry.create({
    data: {
      shopId: member.shopId,
      memberId: member.id,
      delta,
      pendingDelta,
      kind: cause.kind,
      idempotencyKey: cause.key,
      orderId: cause.orderId ?? null,
      sourceType: cause.sourceType ?? null,
      sourceId: cause.sourceId ?? null,
      reason: cause.reason ?? null,
      staffId: cause.staffId ?? null,
    },
  });
  await tx.member.update({
    where: { id: member.id },
    data: { balance: { increment: delta }, pending: { increment: pendingDelta } },
  });
  member.balance += delta;
  member.pending += pendingDelta;
  await queueMemberSync(tx, member.shopId, member.id);
}

export interface LedgerDiscrepancy {
  memberId: string;
  balance: number;
  pending: number;
  ledgerBalance: number;
  ledgerPending: number;
  lotsAvailable: number;
  lotsPending: number;
}

/**
 * The reconciliation check: for every member of the shop, the cached balance and pending equal
 * the sums of the ledger, and equal what the open lots hold. Returns the members where not.
 */
export async function ledgerDiscrepancies(db: PrismaClient | Tx, shopId: string): Promise<LedgerDiscrepancy[]> {
  const rows = await db.$queryRaw<LedgerDiscrepancy[]>`
    SELECT m.id AS "memberId", m.balance, m.pending,
           COALESCE(e.balance, 0)::int AS "ledgerBalance", COALESCE(e.pending, 0)::int AS "ledgerPending",
           COALESCE(l.available, 0)::int AS "lotsAvailable", COALESCE(l.pending, 0)::int AS "lotsPending"
      FROM "Member" m
      LEFT JOIN (SELECT "memberId", SUM(delta) AS balance, SUM("pendingDelta") AS pending
                   FROM "LedgerEntry" WHERE "shopId" = ${shopId} GROUP BY "memberId") e ON e."memberId" = m.id
      LEFT JOIN (SELECT "memberId", SUM(remaining) FILTER (WHERE NOT held) AS available,
                        SUM(remaining) FILTER (WHERE held) AS pending
                   FROM "PointLot" WHERE "shopId" = ${shopId} GROUP BY "memberId") l ON l."memberId" = m.id
     WHERE m."shopId" = ${shopId}`;
  return rows.filter(
    (row) =>
      row.balance !== row.ledgerBalance ||
      row.pending !== row.ledgerPending ||
      row.balance !== row.lotsAvailable ||
      row.pending !== row.lotsPending,
  );
}
