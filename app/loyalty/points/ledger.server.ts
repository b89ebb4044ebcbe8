import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { fromBigInt } from "~/db/bigint";
import { rows } from "~/db/rows";
import { NOW_UTC } from "~/db/clock.server";
import type { ShopperLanguage } from "~/languages";
import { shopperText } from "~/shopper-text/shopper-text";
import { flowTriggerLanguage, queueFlowEvent } from "./flow-events.server";
import { nextRewardFlowFields } from "~/loyalty/program/next-reward";
import { loadRunnableShop } from "~/loyalty/program/program.server";
import type { LedgerKind, LedgerSourceType } from "./ledger-entry";
import { memberSyncUpsert } from "./member-sync.server";

/**
 * The ledger: every change to a member's points is an entry under an idempotency key unique per
 * shop, written in the same transaction as the lots it moves and the member's cached balance.
 * Callers hold the member's row lock (lockMember…) for the whole transaction, so writers to one
 * member serialise and a key checked under the lock cannot be written twice.
 *
 * These writes run on every order, refund and redemption, so they are plain SQL: a Prisma model
 * query costs about three times the CPU of the same statement (docs/decisions/0006).
 */

export type Tx = Prisma.TransactionClient;

export interface LockedMember {
  id: string;
  shopId: string;
  balance: number;
  pending: number;
  tierId: string | null;
  tierHeldUntil: Date | null;
  /** A tier given until a date (tiers/tiers.ts decideMemberTier), and the earned tier under it. */
  compTierId: string | null;
  compTierUntil: Date | null;
  earnedTierId: string | null;
}

const memberRow = z.object({
  id: z.string(),
  shopId: z.string(),
  balance: z.bigint(),
  pending: z.bigint(),
  tierId: z.string().nullable(),
  tierHeldUntil: z.date().nullable(),
  compTierId: z.string().nullable(),
  compTierUntil: z.date().nullable(),
  earnedTierId: z.string().nullable(),
});
const MEMBER_COLUMNS = Prisma.sql`id, "shopId", balance, pending, "tierId", "tierHeldUntil", "compTierId", "compTierUntil", "earnedTierId"`;
const lockedMember = (row: z.output<typeof memberRow>): LockedMember => ({
  ...row,
  balance: fromBigInt(row.balance),
  pending: fromBigInt(row.pending),
});

export async function lockMember(tx: Tx, memberId: string): Promise<LockedMember> {
  const [member] = rows(
    memberRow,
    await tx.$queryRaw`
    SELECT ${MEMBER_COLUMNS} FROM "Member" WHERE id = ${memberId} FOR UPDATE`,
  );
  if (!member) throw new Error(`member ${memberId} not found`);
  return lockedMember(member);
}

/** Several members locked at once, in id order (as single locks are taken), for batch work. */
export async function lockMembers(tx: Tx, memberIds: string[]): Promise<LockedMember[]> {
  const members = rows(
    memberRow,
    await tx.$queryRaw`
    SELECT ${MEMBER_COLUMNS} FROM "Member" WHERE id = ANY(${memberIds}) ORDER BY id FOR UPDATE`,
  );
  return members.map(lockedMember);
}

/** The member for a Shopify customer, created on first sight, locked for the transaction. */
export async function lockMemberForCustomer(
  tx: Tx,
  shopId: string,
  shopifyCustomerId: string,
  profile: { email?: string | null } = {},
): Promise<LockedMember> {
  const locked = async () =>
    rows(
      memberRow,
      await tx.$queryRaw`
    SELECT ${MEMBER_COLUMNS} FROM "Member"
     WHERE "shopId" = ${shopId} AND "shopifyCustomerId" = ${shopifyCustomerId} FOR UPDATE`,
    ).map(lockedMember);
  const [known] = await locked();
  if (known) return known;
  await tx.$executeRaw`
    INSERT INTO "Member" (id, "shopId", "shopifyCustomerId", email, "createdAt", "updatedAt")
    VALUES (gen_random_uuid()::text, ${shopId}, ${shopifyCustomerId}, ${profile.email ?? null}, ${NOW_UTC}, ${NOW_UTC})
    ON CONFLICT ("shopId", "shopifyCustomerId") DO NOTHING`;
  const [member] = await locked();
  return member!;
}

/**
 * Gives a member the name Shopify sent with an order when it has none yet: customers/update
 * stays the authority on changes, and an erased member never gets a name back.
 */
export async function fillMemberName(
  tx: Tx,
  memberId: string,
  name: { firstName: string | null; lastName: string | null },
): Promise<void> {
  if (!name.firstName && !name.lastName) return;
  await tx.$executeRaw`
    UPDATE "Member" SET "firstName" = ${name.firstName}, "lastName" = ${name.lastName}, "updatedAt" = ${NOW_UTC}
     WHERE id = ${memberId} AND "firstName" IS NULL AND "lastName" IS NULL AND "redactedAt" IS NULL`;
}

export async function entryExists(tx: Tx, shopId: string, idempotencyKey: string): Promise<boolean> {
  const found = await tx.$queryRaw<unknown[]>`
    SELECT 1 FROM "LedgerEntry" WHERE "shopId" = ${shopId} AND "idempotencyKey" = ${idempotencyKey}`;
  return found.length > 0;
}

interface EntryCause {
  key: string;
  kind: LedgerKind;
  orderId?: string | null;
  sourceType?: LedgerSourceType | null;
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
const EARNING_KINDS = new Set<LedgerKind>(["earn", "bonus", "action", "partner"]);
/** Flow's "Reason" for a credit, in the shop's language (app/shopper-text/<lang>.json, section `flow`). */
const earningReason = (input: CreditInput, language: ShopperLanguage) => {
  const t = shopperText(language, "flow");
  switch (input.sourceType) {
    case "order":
      return t("order");
    case "signup":
      return t("signup");
    case "birthday":
      return t("birthday");
    case "referral":
      return t("referral");
    case "action":
      return t("action", { action: input.sourceId });
    case "partner":
      return t("partner", { partner: input.reason ?? "" });
    default:
      return input.reason ?? input.kind;
  }
};

/** Flow's "Next reward" fields for the member's balance now (the shop's program is read only for a shop with the workflow). */
async function nextRewardForFlow(tx: Tx, member: LockedMember, language: ShopperLanguage) {
  // No valid program (nothing is scored then; a manual or partner credit still is): no next reward.
  const shop = await loadRunnableShop(tx, member.shopId);
  if (!shop) return { "Next reward": "", "Points to next reward": 0 };
  return nextRewardFlowFields(shop.program, member.balance, member.tierId, language);
}

/** Adds a lot and its entry. False when the key was already written (or nothing to credit). */
export async function credit(tx: Tx, member: LockedMember, input: CreditInput): Promise<boolean> {
  if (input.points <= 0 || (await entryExists(tx, member.shopId, input.key))) return false;
  const held = input.availableAt > input.now;
  await tx.$executeRaw`
    INSERT INTO "PointLot" (id, "shopId", "memberId", "orderId", amount, remaining, held, "availableAt", "expiresAt", source, "createdAt")
    VALUES (gen_random_uuid()::text, ${member.shopId}, ${member.id}, ${input.orderId ?? null}, ${input.points}, ${input.points}, ${held},
            ${input.availableAt}, ${input.expiresAt}, ${input.source}, ${NOW_UTC})`;
  const lastEarned = input.activityAt
    ? Prisma.sql`, "lastEarnedAt" = GREATEST(COALESCE("lastEarnedAt", ${input.activityAt}), ${input.activityAt})`
    : Prisma.empty;
  await writeEntry(tx, member, input, held ? 0 : input.points, held ? input.points : 0, lastEarned);
  const flowLanguage = EARNING_KINDS.has(input.kind)
    ? await flowTriggerLanguage(tx, member.shopId, "pointsEarned")
    : null;
  if (flowLanguage) {
    await queueFlowEvent(
      tx,
      member.shopId,
      "pointsEarned",
      `earned:${input.key}`,
      member.id,
      {
        Points: input.points,
        "Points balance": member.balance,
        "Pending points": member.pending,
        Reason: earningReason(input, flowLanguage),
        "Available now": !held,
        ...(await nextRewardForFlow(tx, member, flowLanguage)),
      },
      input.now,
    );
  }
  return true;
}

export interface DebitInput extends EntryCause {
  points: number;
  now: Date;
  /** Take this order's lots first (refunds and cancellations act on the points of their order). */
  fromOrderId?: string | null;
  /** Take the lots of this source first (a challenge's reward taken back acts on its own lot). */
  fromSource?: string | null;
  /** Reversals may take pending points; spending never does. */
  includePending: boolean;
}

export interface DebitResult {
  debited: number;
  /** What could not be taken because the member no longer holds it. */
  shortfall: number;
}

const lotRow = z.object({
  id: z.string(),
  orderId: z.string().nullable(),
  source: z.string(),
  remaining: z.bigint(),
  held: z.boolean(),
});

/**
 * Takes points from the lots that expire soonest (oldest first when they do not expire).
 * Null when the key was already written.
 */
export async function debit(tx: Tx, member: LockedMember, input: DebitInput): Promise<DebitResult | null> {
  if (input.points <= 0) return { debited: 0, shortfall: 0 };
  if (await entryExists(tx, member.shopId, input.key)) return null;
  const lots = rows(
    lotRow,
    await tx.$queryRaw`
      SELECT id, "orderId", source, remaining, held FROM "PointLot"
       WHERE "memberId" = ${member.id} AND remaining > 0 ${input.includePending ? Prisma.empty : Prisma.sql`AND NOT held`}
       ORDER BY "expiresAt" ASC NULLS LAST, "availableAt" ASC, "createdAt" ASC`,
  ).map((lot) => ({ ...lot, remaining: fromBigInt(lot.remaining) }));
  const first = (lot: (typeof lots)[number]) =>
    Boolean(
      (input.fromOrderId && lot.orderId === input.fromOrderId) || (input.fromSource && lot.source === input.fromSource),
    );
  const ordered = [
    ...lots.filter(first),
    ...lots.filter((lot) => !first(lot) && !lot.held),
    ...lots.filter((lot) => !first(lot) && lot.held),
  ];
  let needed = input.points;
  let fromBalance = 0;
  let fromPending = 0;
  const taken: { id: string; take: number }[] = [];
  for (const lot of ordered) {
    if (needed === 0) break;
    const take = Math.min(needed, lot.remaining);
    taken.push({ id: lot.id, take });
    if (lot.held) fromPending += take;
    else fromBalance += take;
    needed -= take;
  }
  if (taken.length) {
    await tx.$executeRaw`
      UPDATE "PointLot" SET remaining = remaining - t.take
        FROM unnest(${taken.map((lot) => lot.id)}::text[], ${taken.map((lot) => lot.take)}::int8[]) AS t(id, take)
       WHERE "PointLot".id = t.id`;
  }
  const debited = fromBalance + fromPending;
  if (debited > 0 || needed > 0) {
    const shortfallNote = needed > 0 ? `${needed} points already spent` : null;
    await writeEntry(
      tx,
      member,
      { ...input, reason: [input.reason, shortfallNote].filter(Boolean).join("; ") || null },
      -fromBalance,
      -fromPending,
    );
  }
  return { debited, shortfall: needed };
}

/** Pending lots whose hold has passed become spendable: one `release` entry per lot. */
export async function releaseDueLots(tx: Tx, member: LockedMember, now: Date): Promise<number> {
  const due = await tx.pointLot.findMany({ where: { memberId: member.id, held: true, availableAt: { lte: now } } });
  let released = 0;
  for (const lot of due) {
    await tx.pointLot.update({ where: { id: lot.id }, data: { held: false } });
    const remaining = fromBigInt(lot.remaining);
    if (remaining > 0) {
      await writeEntry(
        tx,
        member,
        { key: `release:${lot.id}`, kind: "release", orderId: lot.orderId },
        remaining,
        -remaining,
      );
      released += remaining;
    }
  }
  return released;
}

/** The entry, the member's cached balance and their sync to Shopify, in one statement; `alsoSet` adds to the member's update. */
async function writeEntry(
  tx: Tx,
  member: LockedMember,
  cause: EntryCause,
  delta: number,
  pendingDelta: number,
  alsoSet: Prisma.Sql = Prisma.empty,
) {
  await tx.$executeRaw`
    WITH sync AS (${memberSyncUpsert(member.shopId, [member.id], new Date())}),
    entry AS (
      INSERT INTO "LedgerEntry" (id, "shopId", "memberId", delta, "pendingDelta", kind, "idempotencyKey", "orderId", "sourceType", "sourceId", reason, "staffId", "createdAt")
      VALUES (gen_random_uuid()::text, ${member.shopId}, ${member.id}, ${delta}, ${pendingDelta}, ${cause.kind}, ${cause.key}, ${cause.orderId ?? null},
              ${cause.sourceType ?? null}, ${cause.sourceId ?? null}, ${cause.reason ?? null}, ${cause.staffId ?? null}, ${NOW_UTC})
    )
    UPDATE "Member" SET balance = balance + ${delta}, pending = pending + ${pendingDelta}, "updatedAt" = ${NOW_UTC}${alsoSet}
     WHERE id = ${member.id}`;
  member.balance += delta;
  member.pending += pendingDelta;
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

const discrepancyRow = z.object({
  memberId: z.string(),
  balance: z.bigint(),
  pending: z.bigint(),
  ledgerBalance: z.bigint(),
  ledgerPending: z.bigint(),
  lotsAvailable: z.bigint(),
  lotsPending: z.bigint(),
});

/**
 * The reconciliation check: for every member of the shop, the cached balance and pending equal
 * the sums of the ledger, and equal what the open lots hold. Returns the members where not.
 */
export async function ledgerDiscrepancies(db: PrismaClient | Tx, shopId: string): Promise<LedgerDiscrepancy[]> {
  const sums = rows(
    discrepancyRow,
    await db.$queryRaw`
    SELECT m.id AS "memberId", m.balance, m.pending,
           COALESCE(e.balance, 0)::bigint AS "ledgerBalance", COALESCE(e.pending, 0)::bigint AS "ledgerPending",
           COALESCE(l.available, 0)::bigint AS "lotsAvailable", COALESCE(l.pending, 0)::bigint AS "lotsPending"
      FROM "Member" m
      LEFT JOIN (SELECT "memberId", SUM(delta) AS balance, SUM("pendingDelta") AS pending
                   FROM "LedgerEntry" WHERE "shopId" = ${shopId} GROUP BY "memberId") e ON e."memberId" = m.id
      LEFT JOIN (SELECT "memberId", SUM(remaining) FILTER (WHERE NOT held) AS available,
                        SUM(remaining) FILTER (WHERE held) AS pending
                   FROM "PointLot" WHERE "shopId" = ${shopId} GROUP BY "memberId") l ON l."memberId" = m.id
     WHERE m."shopId" = ${shopId}`,
  );
  return sums
    .filter(
      (row) =>
        row.balance !== row.ledgerBalance ||
        row.pending !== row.ledgerPending ||
        row.balance !== row.lotsAvailable ||
        row.pending !== row.lotsPending,
    )
    .map((row) => ({
      memberId: row.memberId,
      balance: fromBigInt(row.balance),
      pending: fromBigInt(row.pending),
      ledgerBalance: fromBigInt(row.ledgerBalance),
      ledgerPending: fromBigInt(row.ledgerPending),
      lotsAvailable: fromBigInt(row.lotsAvailable),
      lotsPending: fromBigInt(row.lotsPending),
    }));
}
