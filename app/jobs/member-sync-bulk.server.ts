import type { MemberSyncBulk, PrismaClient } from "@prisma/client";
import { CLAIM_LEASE_MS, claimDueTasks, shopsWithDueTasks } from "~/db/outbox-claims.server";
import { nextAttemptAt, TASK_RETRY } from "~/http/retry-policy";
import { loadRunnableShop } from "~/loyalty/program/program.server";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import {
  appliedBulkLines,
  bulkOperationState,
  BulkUploadError,
  stageBulkVariables,
  startBulkMutation,
} from "~/shopify/bulk-operations.server";
import {
  BULK_SYNC_MUTATIONS,
  customerTagsLine,
  memberMetafieldsLine,
  type BulkSyncMutation,
} from "~/shopify/customer-metafields.server";
import { isRetryable } from "~/shopify/errors";
import {
  changesOf,
  markDone,
  memberFacts,
  memberIdOf,
  syncableTasks,
  syncMembershipTag,
  tierTagsToWrite,
} from "./member-sync.server";

/**
 * From this many due sync tasks on one shop, the job writes them through bulk operations instead
 * of calls (ADR 0034). Per call, 2,000 members are 334 metafieldsSet calls (3,340 cost points:
 * 3.3 s of a Plus shop's budget, 33 s of a standard one's, spent from the bucket the merchant's
 * other apps share), plus two tag calls per member whose tier changed. As bulk operations they are
 * 3 staged uploads, 3 bulkOperationRunMutation and a few polls — about 70 points whatever the count.
 * Below it the calls are done within one pass and show on the storefront sooner than Shopify's
 * queue for bulk operations (seconds to minutes) would.
 */
export const BULK_SYNC_THRESHOLD = 2_000;

/**
 * Tasks one mass write carries. A metafields line (5 metafields) is about 0.8 KB: 100,000 lines
 * are ~80 MB, within Shopify's 100 MB per variables file. A larger backlog is the next write's.
 */
export const BULK_SYNC_MAX_TASKS = 100_000;

/**
 * Tasks in a mass write are held (not due) until it ends; Shopify stops a bulk mutation after 24
 * hours. A write older than this is dropped: its tasks are due again by then and written anew.
 */
const BULK_HOLD_MS = 25 * 3_600_000;

/** A task as the mass write read it: `changes` decides whether it is done; `tierId` is the tier whose tags it writes. */
interface BulkTask {
  id: string;
  changes: string;
  attempts: number;
  memberId: string;
  tierId?: string | null;
}

type OperationState = "staged" | "running" | "done" | "failed";
interface BulkOperationRecord {
  mutation: BulkSyncMutation;
  stagedUploadPath: string;
  operationId: string | null;
  /** The task (index into `tasks`) each line of the variables file writes. */
  lineTasks: number[];
  state: OperationState;
  /** Tasks whose line did not apply (when done). */
  failedTasks?: number[];
  reason?: string;
}

const log = (event: string, fields: Record<string, unknown>) => console.log(JSON.stringify({ event, ...fields }));

/**
 * Starts a mass write for each shop with at least `threshold` due sync tasks: the members'
 * metafields (one line a member), the tier tags to remove and to add, each a bulk operation over a
 * staged JSONL file; advanceBulkSyncs starts them.
 */
export async function startBulkSyncs(
  db: PrismaClient,
  now: Date,
  threshold: number,
  gatewayOptions?: AdminGatewayOptions,
): Promise<void> {
  for (const shopId of await shopsWithDueTasks(db, "sync_member", now, threshold)) {
    const shop = await loadRunnableShop(db, shopId);
    if (!shop) continue;
    // A shop that uninstalled is left to the per-call path, which drops its tasks.
    const admin = await AdminGateway.forInstalledShop(db, shop.domain, gatewayOptions);
    if (!admin) continue;
    const tasks = await claimDueTasks(db, "sync_member", now, BULK_SYNC_MAX_TASKS, shopId);
    const { syncable, byMember } = await syncableTasks(db, tasks, now);
    if (!syncable.length) continue;

    const bulkTasks: BulkTask[] = [];
    const files = { metafields: [] as object[], tagsRemove: [] as object[], tagsAdd: [] as object[] };
    const lineTasks: Record<BulkSyncMutation, number[]> = { metafields: [], tagsRemove: [], tagsAdd: [] };
    for (const task of syncable) {
      const member = byMember.get(memberIdOf(task))!;
      const index = bulkTasks.length;
      const tags = tierTagsToWrite(shop, member);
      bulkTasks.push({
        id: task.id,
        changes: changesOf(task),
        attempts: task.attempts,
        memberId: member.id,
        ...(tags ? { tierId: member.tierId } : {}),
      });
      files.metafields.push(memberMetafieldsLine(await memberFacts(db, shop, member)));
      lineTasks.metafields.push(index);
      if (tags?.others.length) {
        files.tagsRemove.push(customerTagsLine(member.shopifyCustomerId!, tags.others));
        lineTasks.tagsRemove.push(index);
      }
      if (tags?.current) {
        files.tagsAdd.push(customerTagsLine(member.shopifyCustomerId!, [tags.current]));
        lineTasks.tagsAdd.push(index);
      }
    }
    try {
      const operations: BulkOperationRecord[] = [];
      for (const mutation of Object.keys(files) as BulkSyncMutation[]) {
        if (!files[mutation].length) continue;
        const stagedUploadPath = await stageBulkVariables(admin, files[mutation], gatewayOptions);
        operations.push({
          mutation,
          stagedUploadPath,
          operationId: null,
          lineTasks: lineTasks[mutation],
          state: "staged",
        });
      }
      const bulk = await db.$transaction(async (tx) => {
        // An array parameter: an IN list of 100,000 tasks passes PostgreSQL's parameter limit.
        await tx.$executeRaw`
          UPDATE "OutboxTask" SET "runAt" = ${new Date(now.getTime() + BULK_HOLD_MS)}
           WHERE id = ANY(${syncable.map((task) => task.id)})`;
        return tx.memberSyncBulk.create({
          data: { shopId, tasks: bulkTasks as object[], operations: operations as object[], runAt: now },
        });
      });
      log("sync.bulk_started", { shop: shop.domain, bulk: bulk.id, tasks: bulkTasks.length });
    } catch (error) {
      // Nothing was started: the tasks wait TASK_RETRY's time, whatever went wrong (logged for the operator).
      const retryable = isRetryable(error) || error instanceof BulkUploadError;
      log(retryable ? "sync.bulk_retry" : "sync.bulk_refused", { shop: shop.domain, error: String(error) });
      await retryLater(db, bulkTasks, now);
    }
  }
}

/**
 * Moves every mass write that is due one step on: starts its staged operations (those Shopify
 * had no room for wait), polls the running ones, reads the results of the completed ones, and
 * ends the write once all have ended. Returns the tasks marked done.
 */
export async function advanceBulkSyncs(db: PrismaClient, now: Date, gatewayOptions?: AdminGatewayOptions) {
  const due = await db.$queryRaw<MemberSyncBulk[]>`
    UPDATE "MemberSyncBulk" SET "runAt" = ${new Date(now.getTime() + CLAIM_LEASE_MS)}
     WHERE id IN (SELECT id FROM "MemberSyncBulk" WHERE "runAt" <= ${now} ORDER BY "runAt" FOR UPDATE SKIP LOCKED)
    RETURNING *`;
  let done = 0;
  for (const bulk of due) {
    const shop = await db.shop.findUnique({ where: { id: bulk.shopId }, select: { domain: true } });
    const admin = shop && (await AdminGateway.forInstalledShop(db, shop.domain, gatewayOptions));
    if (!admin || now.getTime() - bulk.createdAt.getTime() > BULK_HOLD_MS) {
      // Uninstalled, or older than Shopify lets a bulk mutation run: its tasks are the per-call path's again.
      await db.memberSyncBulk.delete({ where: { id: bulk.id } });
      await retryLater(db, bulk.tasks as unknown as BulkTask[], now);
      continue;
    }
    try {
      done += await advanceBulkSync(db, admin, bulk, now, gatewayOptions);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      log("sync.bulk_retry", { shop: admin.shop, bulk: bulk.id, error: String(error) });
      await db.memberSyncBulk.update({ where: { id: bulk.id }, data: { runAt: nextAttemptAt(TASK_RETRY, now, 1) } });
    }
  }
  return done;
}

async function advanceBulkSync(
  db: PrismaClient,
  admin: AdminGateway,
  bulk: MemberSyncBulk,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<number> {
  const operations = bulk.operations as unknown as BulkOperationRecord[];
  for (const operation of operations) {
    if (operation.state === "staged") {
      const started = await startBulkMutation(
        admin,
        BULK_SYNC_MUTATIONS[operation.mutation],
        operation.stagedUploadPath,
      );
      if ("busy" in started) continue;
      if ("refused" in started) {
        Object.assign(operation, { state: "failed", reason: started.refused });
        continue;
      }
      Object.assign(operation, { state: "running", operationId: started.id });
    }
    if (operation.state !== "running") continue;
    const state = await bulkOperationState(admin, operation.operationId!);
    if (state.state === "running") continue;
    if (state.state === "completed") {
      const applied = await appliedBulkLines(admin.shop, state.url, gatewayOptions);
      const failedTasks = operation.lineTasks.filter((_, line) => !applied.has(line));
      Object.assign(operation, { state: "done", failedTasks });
    } else {
      Object.assign(operation, { state: "failed", reason: state.state === "failed" ? state.reason : "gone" });
    }
  }
  if (operations.some((operation) => operation.state === "staged" || operation.state === "running")) {
    await db.memberSyncBulk.update({
      where: { id: bulk.id },
      data: { operations: operations as object[], runAt: now },
    });
    return 0;
  }
  return finishBulkSync(db, admin, bulk, operations, now);
}

/**
 * Ends a mass write: a task whose every line applied is done (unless its member changed while it
 * was written: then it runs again) and its tier is recorded as tagged; a task with a failed line,
 * or in an operation that failed, stays due and is tried again after TASK_RETRY's wait.
 */
async function finishBulkSync(
  db: PrismaClient,
  admin: AdminGateway,
  bulk: MemberSyncBulk,
  operations: BulkOperationRecord[],
  now: Date,
): Promise<number> {
  const tasks = bulk.tasks as unknown as BulkTask[];
  const failed = new Set<number>();
  for (const operation of operations) {
    const lost = operation.state === "failed" ? operation.lineTasks : (operation.failedTasks ?? []);
    for (const index of lost) failed.add(index);
    if (operation.state === "failed") {
      log("sync.bulk_failed", {
        shop: admin.shop,
        bulk: bulk.id,
        mutation: operation.mutation,
        reason: operation.reason,
      });
    }
  }
  const applied = tasks.filter((_, index) => !failed.has(index));
  const tagged = applied.filter((task) => task.tierId !== undefined);
  // One statement a tier, not a member: a threshold change tags every member at once.
  for (const [tierId, ofTier] of Map.groupBy(tagged, (task) => task.tierId ?? null)) {
    // An array parameter: an IN list of 100,000 members passes PostgreSQL's parameter limit.
    await db.$executeRaw`
      UPDATE "Member" SET "syncedTierId" = ${tierId}
       WHERE id = ANY(${ofTier.map((task) => task.memberId)}) AND "tierId" IS NOT DISTINCT FROM ${tierId}`;
  }
  // The paid membership's tag changes for few members at a time: per call, as on the small path.
  const withMembership = await db.member.findMany({
    where: { id: { in: applied.map((task) => task.memberId) }, paidMembership: { isNot: null } },
    select: { id: true, shopifyCustomerId: true, paidMembership: true },
  });
  const shop = await loadRunnableShop(db, bulk.shopId);
  if (shop) for (const member of withMembership) await syncMembershipTag(db, admin, shop, member);

  await db.memberSyncBulk.delete({ where: { id: bulk.id } });
  const done = await markDone(db, applied, now);
  await retryLater(
    db,
    tasks.filter((_, index) => failed.has(index)),
    now,
  );
  log("sync.bulk_finished", { shop: admin.shop, bulk: bulk.id, done, failed: failed.size });
  return done;
}

/** Due again after TASK_RETRY's wait for their next attempt (never given up: the mirror must end on the balance). */
async function retryLater(db: PrismaClient, tasks: BulkTask[], now: Date) {
  // One statement per attempt count, not per task: a failed write may carry 100,000.
  for (const [attempts, alike] of Map.groupBy(tasks, (task) => task.attempts)) {
    await db.$executeRaw`
      UPDATE "OutboxTask" SET attempts = attempts + 1, "runAt" = ${nextAttemptAt(TASK_RETRY, now, attempts + 1)}
       WHERE id = ANY(${alike.map((task) => task.id)}) AND "deliveredAt" IS NULL`;
  }
}
