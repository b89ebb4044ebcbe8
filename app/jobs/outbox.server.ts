import type { OutboxTask, PrismaClient } from "@prisma/client";
import { fromBigInt } from "~/db/bigint";
import { claimDueTasks } from "~/db/outbox-claims.server";
import { inTransaction } from "~/db/transaction.server";
import { deliverUsageCharge, programForStorefront, queueStoreCreditUse } from "~/loyalty/billing/billing.server";
import { loadRunnableShop } from "~/loyalty/program/program.server";
import { writeStorefrontProgram } from "~/loyalty/program/storefront-program.server";
import { deliverRedemptionCode } from "~/loyalty/rewards/codes.server";
import { expireUnusedCode, UNUSED_CODE_GRACE_MS } from "~/loyalty/rewards/redemptions.server";
import { deliverCodeDeletion } from "~/loyalty/rewards/reversals.server";
import { deliverStoreCredit } from "~/loyalty/rewards/store-credit.server";
import type { AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { retryTaskLater } from "~/shopify/task-retry.server";
import type { JobReport } from "./job-report";

/** One pass over due discount-code tasks: codes to create, then codes of reversed redemptions to delete. */
export async function deliverOutbox(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<JobReport> {
  const report = { job: "outbox", processed: 0, points: 0 };
  const due = await claimDueTasks(db, "create_discount", now, 100);
  for (const task of due) {
    const redemption = await deliverRedemptionCode(
      db,
      (task.payload as { redemptionId: string }).redemptionId,
      now,
      gatewayOptions,
      task,
    );
    report.processed++;
    if (redemption.status === "active") report.points += fromBigInt(redemption.pointsSpent);
  }
  for (const task of await claimDueTasks(db, "delete_discount", now, 100)) {
    const redemptionId = (task.payload as { redemptionId: string }).redemptionId;
    if ((await deliverCodeDeletion(db, redemptionId, now, gatewayOptions, task)) !== "retry") report.processed++;
  }
  return report;
}

/** One pass over due store credit tasks: points converted are credited in Shopify once, or refunded. */
export async function creditStoreCredits(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<JobReport> {
  const report = { job: "store_credit", processed: 0, points: 0 };
  for (const task of await claimDueTasks(db, "credit_store_credit", now, 100)) {
    const redemption = await deliverStoreCredit(db, (task.payload as { redemptionId: string }).redemptionId, now, {
      gatewayOptions,
      claimed: task,
      onCredited: (tx, credited) => queueStoreCreditUse(tx, credited, now),
    });
    report.processed++;
    if (redemption.status === "active") report.points += fromBigInt(redemption.pointsSpent);
  }
  return report;
}

/** Unused codes past their end (and a day's grace for late webhooks) expire. */
export async function expireUnusedCodes(db: PrismaClient, now: Date): Promise<JobReport> {
  const report = { job: "expire_codes", processed: 0, points: 0 };
  const expired = await db.redemption.findMany({
    // Store credit has no code to expire: Shopify expires the credit itself.
    where: {
      status: "active",
      storeCreditAmount: null,
      endsAt: { lte: new Date(now.getTime() - UNUSED_CODE_GRACE_MS) },
    },
    select: { id: true, shopId: true, pointsSpent: true },
    take: 1000,
  });
  for (const redemption of expired) {
    const shop = await loadRunnableShop(db, redemption.shopId);
    if (!shop) continue;
    if (await inTransaction(db, (tx) => expireUnusedCode(tx, shop, redemption.id, now))) {
      report.processed++;
      report.points += fromBigInt(redemption.pointsSpent);
    }
  }
  return report;
}

/** One pass over due usage charges: each recorded in Shopify once (app/loyalty/billing). */
export async function recordUsageCharges(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<JobReport> {
  const report = { job: "usage", processed: 0, points: 0 };
  for (const task of await claimDueTasks(db, "record_usage", now, 100)) {
    if ((await deliverUsageCharge(db, task, now, gatewayOptions)) !== "retry") report.processed++;
  }
  return report;
}

/**
 * One pass over due storefront publications (queued when a shop's plan turns active or stops
 * being): the theme's copy of the program written again, as shoppers may see it at delivery —
 * several due for one shop make one write. Throttling, 5xx and network failures are retried as
 * TASK_RETRY says; anything else, or the last attempt, is logged and left to the next save or
 * plan change. A shop with no valid program has nothing to publish.
 */
export async function publishStorefronts(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<JobReport> {
  const report = { job: "publish", processed: 0, points: 0 };
  const byShop = Map.groupBy(await claimDueTasks(db, "publish_storefront", now, 100), (task) => task.shopId);
  for (const [shopId, tasks] of byShop) {
    const shop = await loadRunnableShop(db, shopId);
    try {
      if (shop) await writeStorefrontProgram(db, shop.domain, await programForStorefront(db, shop), gatewayOptions);
    } catch (error) {
      await retryOrGiveUp(db, tasks, now, error);
      continue;
    }
    await finishTasks(db, tasks, now);
    if (shop) report.processed++;
  }
  return report;
}

const finishTasks = (db: PrismaClient, tasks: OutboxTask[], now: Date) =>
  db.outboxTask.updateMany({
    where: { id: { in: tasks.map((task) => task.id) } },
    data: { deliveredAt: now, attempts: { increment: 1 } },
  });

async function retryOrGiveUp(db: PrismaClient, tasks: OutboxTask[], now: Date, error: unknown) {
  for (const task of tasks) {
    if (await retryTaskLater(db, task, error, now)) continue;
    await db.outboxTask.update({ where: { id: task.id }, data: { attempts: task.attempts + 1, deliveredAt: now } });
    console.error(
      JSON.stringify({ event: "storefront_program.not_published", shopId: task.shopId, error: String(error) }),
    );
  }
}
