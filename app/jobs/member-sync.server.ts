import type { OutboxTask, PrismaClient } from "@prisma/client";
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
import { isRetryable, ShopNotInstalledError } from "~/shopify/errors";
import { claimDueTasks, releaseTasks } from "~/db/outbox-claims.server";
import type { JobReport } from "./job-report";

const MEMBERS_PER_CALL = Math.floor(METAFIELDS_PER_CALL / METAFIELDS_PER_MEMBER);
// Whole calls per pass: a part-filled metafieldsSet costs Shopify's points as a full one does.
const TASKS_PER_PASS = MEMBERS_PER_CALL * 133;

/**
 * Mirrors members' points and tier to their Shopify customer metafields (and the tier tag): due
 * sync tasks, grouped by shop, 6 members (24 metafields) per metafieldsSet. A task is marked done only if no change
 * arrived while Shopify was being written (`changes` unchanged); otherwise it runs again.
 */
export async function syncMembersToShopify(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<JobReport> {
  const report = { job: "sync", processed: 0, points: 0 };
  const due = await claimDueTasks(db, "sync_member", now, TASKS_PER_PASS);
  const byShop = Map.groupBy(due, (task) => task.shopId);
  for (const [shopId, tasks] of byShop) {
    const shop = await loadRunnableShop(db, shopId);
    if (!shop) continue;
    const admin = await AdminGateway.forShop(db, shop.domain, gatewayOptions).catch((error: unknown) => {
      if (error instanceof ShopNotInstalledError) return null;
      throw error;
    });
    if (!admin) {
      await markDone(db, tasks, now);
      continue;
    }
    const members = await db.member.findMany({
      where: { id: { in: tasks.map(memberIdOf) } },
      select: {
        id: true,
        shopifyCustomerId: true,
        balance: true,
        pending: true,
        lastEarnedAt: true,
        createdAt: true,
        tierId: true,
        syncedTierId: true,
        paidMembership: { select: { status: true, planId: true, paidThrough: true, taggedAs: true } },
      },
    });
    const byMember = new Map(members.map((member) => [member.id, member]));
    const syncable = tasks.filter((task) => byMember.get(memberIdOf(task))?.shopifyCustomerId);
    await markDone(
      db,
      tasks.filter((task) => !syncable.includes(task)),
      now,
    );
    for (let start = 0; start < syncable.length; start += MEMBERS_PER_CALL) {
      const chunk = syncable.slice(start, start + MEMBERS_PER_CALL);
      const facts: MemberFacts[] = [];
      for (const task of chunk) {
        const member = byMember.get(memberIdOf(task))!;
        const tier = shop.program.tiers.levels.find((level) => level.id === member.tierId);
        facts.push({
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
        });
      }
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

/** Only when the tier changed since the last sync: two tag mutations are not worth a no-op. */
async function syncTierTag(
  db: PrismaClient,
  admin: AdminGateway,
  shop: LoadedShop,
  member: { id: string; shopifyCustomerId: string | null; tierId: string | null; syncedTierId: string | null },
) {
  if (member.tierId === member.syncedTierId || !member.shopifyCustomerId) return;
  const tagOf = (name: string) => `${shop.program.tiers.tagPrefix}${name}`;
  const current = shop.program.tiers.levels.find((level) => level.id === member.tierId);
  const others = shop.program.tiers.levels.filter((level) => level !== current).map((level) => tagOf(level.name));
  await setTierTag(admin, member.shopifyCustomerId, current ? tagOf(current.name) : null, others);
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
async function syncMembershipTag(
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

const memberIdOf = (task: OutboxTask) => (task.payload as { memberId: string }).memberId;
const changesOf = (task: OutboxTask) => String((task.payload as { changes?: number }).changes ?? 0);

/** Done, unless the member changed again since the task was read: then it is due again now. */
async function markDone(db: PrismaClient, tasks: OutboxTask[], now: Date): Promise<number> {
  let done = 0;
  const changedMeanwhile: string[] = [];
  for (const task of tasks) {
    const marked = await db.$executeRaw`
      UPDATE "OutboxTask" SET "deliveredAt" = ${now}
       WHERE id = ${task.id} AND "deliveredAt" IS NULL AND payload->>'changes' = ${changesOf(task)}`;
    if (marked) done++;
    else changedMeanwhile.push(task.id);
  }
  await releaseTasks(db, changedMeanwhile, now);
  return done;
}
