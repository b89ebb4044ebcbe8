import type { OutboxTask, Prisma, PrismaClient } from "@prisma/client";
import { fromBigInt } from "~/db/bigint";
import { nextAttemptAt, TASK_RETRY } from "~/http/retry-policy";
import { expiringNext } from "~/loyalty/points/expiry.server";
import { loadRunnableShop, type LoadedShop } from "~/loyalty/program/program.server";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import {
  METAFIELDS_PER_CALL,
  METAFIELDS_PER_MEMBER,
  setMemberMetafields,
  setTierTag,
  type MemberFacts,
} from "~/shopify/customer-metafields.server";
import { isRetryable } from "~/shopify/errors";
import { claimDueTasks, releaseTasks } from "~/db/outbox-claims.server";
import type { JobReport } from "./job-report";
import { advanceBulkSyncs, BULK_SYNC_THRESHOLD, startBulkSyncs } from "./member-sync-bulk.server";

const MEMBERS_PER_CALL = Math.floor(METAFIELDS_PER_CALL / METAFIELDS_PER_MEMBER);
// Whole calls per pass: a part-filled metafieldsSet costs Shopify's points as a full one does.
const TASKS_PER_PASS = MEMBERS_PER_CALL * 133;

/**
 * Mirrors members' points and tier to their Shopify customer metafields (and the tier tag): due
 * sync tasks, grouped by shop, 5 members (25 metafields) per metafieldsSet; a shop with at least
 * BULK_SYNC_THRESHOLD due tasks through bulk operations instead (member-sync-bulk.server.ts). A task is marked done only if no change
 * arrived while Shopify was being written (`changes` unchanged); otherwise it runs again.
 */
export async function syncMembersToShopify(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
  options: { bulkThreshold?: number } = {},
): Promise<JobReport> {
  const report = { job: "sync", processed: 0, points: 0 };
  // A shop with a large backlog (a tier threshold changed for many members) is written in bulk.
  await startBulkSyncs(db, now, options.bulkThreshold ?? BULK_SYNC_THRESHOLD, gatewayOptions);
  report.processed += await advanceBulkSyncs(db, now, gatewayOptions);
  const due = await claimDueTasks(db, "sync_member", now, TASKS_PER_PASS);
  const byShop = Map.groupBy(due, (task) => task.shopId);
  for (const [shopId, tasks] of byShop) {
    const shop = await loadRunnableShop(db, shopId);
    if (!shop) continue;
    const admin = await AdminGateway.forInstalledShop(db, shop.domain, gatewayOptions);
    if (!admin) {
      await markDone(db, tasks, now);
      continue;
    }
    const { syncable, byMember } = await syncableTasks(db, tasks, now);
    for (let start = 0; start < syncable.length; start += MEMBERS_PER_CALL) {
      const chunk = syncable.slice(start, start + MEMBERS_PER_CALL);
      const facts: MemberFacts[] = [];
      for (const task of chunk) facts.push(await memberFacts(db, shop, byMember.get(memberIdOf(task))!));
      try {
        await setMemberMetafields(admin, facts);
        for (const task of chunk) {
          await syncTierTag(db, admin, shop, byMember.get(memberIdOf(task))!);
          await syncMembershipTag(db, admin, shop, byMember.get(memberIdOf(task))!);
        }
        report.processed += await markDone(db, chunk, now);
      } catch (error) {
        if (!isRetryable(error)) {
          console.error(JSON.stringify({ event: "sync.failed", shop: shop.domain, error: String(error) }));
          await markDone(db, chunk, now);
          continue;
        }
        // Waits as TASK_RETRY says but never gives up: the mirror must end on the member's balance.
        for (const task of chunk) {
          await db.outboxTask.update({
            where: { id: task.id },
            data: { attempts: { increment: 1 }, runAt: nextAttemptAt(TASK_RETRY, now, task.attempts + 1) },
          });
        }
      }
    }
  }
  return report;
}

/** What a sync reads of a member. */
export const SYNCED_MEMBER = {
  id: true,
  shopifyCustomerId: true,
  balance: true,
  pending: true,
  lastEarnedAt: true,
  createdAt: true,
  tierId: true,
  syncedTierId: true,
  paidMembership: { select: { status: true, planId: true, paidThrough: true, taggedAs: true } },
} as const;
export type SyncedMember = Prisma.MemberGetPayload<{ select: typeof SYNCED_MEMBER }>;

/** What the member's metafields say of them. */
export async function memberFacts(db: PrismaClient, shop: LoadedShop, member: SyncedMember): Promise<MemberFacts> {
  const tier = shop.program.tiers.levels.find((level) => level.id === member.tierId);
  return {
    customerId: member.shopifyCustomerId!,
    balance: fromBigInt(member.balance),
    pending: fromBigInt(member.pending),
    nextExpiry: await expiringNext(db, shop, { ...member, balance: fromBigInt(member.balance) }),
    tier: tier ? { id: tier.id, name: tier.name } : null,
    membership: {
      active: paying(member.paidMembership),
      planId: member.paidMembership?.planId ?? null,
      paidThrough: member.paidMembership?.paidThrough.toISOString() ?? null,
    },
  };
}

/** The tier tags a member's customer should have (`current`) and lose (`others`); null when the tier did not change since the last sync. */
export function tierTagsToWrite(
  shop: LoadedShop,
  member: { shopifyCustomerId: string | null; tierId: string | null; syncedTierId: string | null },
): { current: string | null; others: string[] } | null {
  if (member.tierId === member.syncedTierId || !member.shopifyCustomerId) return null;
  const tagOf = (name: string) => `${shop.program.tiers.tagPrefix}${name}`;
  const current = shop.program.tiers.levels.find((level) => level.id === member.tierId);
  const others = shop.program.tiers.levels.filter((level) => level !== current).map((level) => tagOf(level.name));
  return { current: current ? tagOf(current.name) : null, others };
}

/** Only when the tier changed since the last sync: two tag mutations are not worth a no-op. */
async function syncTierTag(
  db: PrismaClient,
  admin: AdminGateway,
  shop: LoadedShop,
  member: { id: string; shopifyCustomerId: string | null; tierId: string | null; syncedTierId: string | null },
) {
  const tags = tierTagsToWrite(shop, member);
  if (!tags) return;
  await setTierTag(admin, member.shopifyCustomerId!, tags.current, tags.others);
  await db.member.updateMany({
    where: { id: member.id, tierId: member.tierId },
    data: { syncedTierId: member.tierId },
  });
}

interface SyncedMembership {
  status: string;
  planId: string;
  paidThrough: Date;
  taggedAs: string | null;
}
const paying = (membership: SyncedMembership | null) => Boolean(membership && membership.status !== "ended");

/** The membership's tag on paying members only (the perks' segment is made of it); once per change. */
export async function syncMembershipTag(
  db: PrismaClient,
  admin: AdminGateway,
  shop: LoadedShop,
  member: { id: string; shopifyCustomerId: string | null; paidMembership: SyncedMembership | null },
) {
  const { paidMembership } = member;
  if (!paidMembership || !member.shopifyCustomerId) return;
  const wanted = paying(paidMembership) ? shop.program.membership.perks.tag : null;
  if (wanted === paidMembership.taggedAs) return;
  const stale = paidMembership.taggedAs && paidMembership.taggedAs !== wanted ? [paidMembership.taggedAs] : [];
  await setTierTag(admin, member.shopifyCustomerId, wanted, stale);
  await db.paidMembership.update({ where: { memberId: member.id }, data: { taggedAs: wanted } });
}

/** The tasks' members, and the tasks whose member is a Shopify customer; the others are done (nothing to write). */
export async function syncableTasks(db: PrismaClient, tasks: OutboxTask[], now: Date) {
  const members = await db.member.findMany({ where: { id: { in: tasks.map(memberIdOf) } }, select: SYNCED_MEMBER });
  const byMember = new Map(members.map((member) => [member.id, member]));
  const syncable = tasks.filter((task) => byMember.get(memberIdOf(task))?.shopifyCustomerId);
  await markDone(
    db,
    tasks.filter((task) => !syncable.includes(task)),
    now,
  );
  return { syncable, byMember };
}

export const memberIdOf = (task: OutboxTask) => (task.payload as { memberId: string }).memberId;
export const changesOf = (task: OutboxTask) => String((task.payload as { changes?: number }).changes ?? 0);

/** Done, unless the member changed again since the task was read (`changes`): then it is due again now. */
export async function markDone(
  db: PrismaClient,
  tasks: (OutboxTask | { id: string; changes: string })[],
  now: Date,
): Promise<number> {
  let done = 0;
  const changedMeanwhile: string[] = [];
  for (const task of tasks) {
    const changes = "changes" in task ? task.changes : changesOf(task);
    const marked = await db.$executeRaw`
      UPDATE "OutboxTask" SET "deliveredAt" = ${now}
       WHERE id = ${task.id} AND "deliveredAt" IS NULL AND payload->>'changes' = ${changes}`;
    if (marked) done++;
    else changedMeanwhile.push(task.id);
  }
  await releaseTasks(db, changedMeanwhile, now);
  return done;
}
