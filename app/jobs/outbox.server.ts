import type { OutboxTask, PrismaClient, Redemption } from "@prisma/client";
import { fromBigInt } from "~/db/bigint";
import { inTransaction } from "~/db/transaction.server";
import { canRetry, nextAttemptAt, TASK_RETRY } from "~/http/retry-policy";
import type { Reward } from "~/loyalty/program/program";
import { loadRunnableShop } from "~/loyalty/program/program.server";
import {
  activateRedemption,
  expireUnusedCode,
  failRedemption,
  INLINE_ATTEMPT_MS,
  UNUSED_CODE_GRACE_MS,
} from "~/loyalty/rewards/redemptions.server";
import { rewardCode } from "~/loyalty/rewards/reward-codes";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { createDiscountCode } from "~/shopify/discounts.server";
import { isRetryable } from "~/shopify/errors";
import { claimDueTasks, claimTask } from "./claim.server";
import type { JobReport } from "./points.server";

/**
 * Creates a pending redemption's discount code in Shopify. Success activates it; a failure
 * that can pass (throttling, 5xx, network) is retried later as TASK_RETRY says; anything else,
 * or the last attempt, fails the redemption and refunds its points. Only the holder of the task's
 * claim works on it: a worker passes the task it claimed; the request that redeemed claims it
 * first (a worker holding it already means the request leaves it to the worker).
 */
export async function deliverRedemptionCode(
  db: PrismaClient,
  redemptionId: string,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
  claimed?: OutboxTask,
): Promise<Redemption> {
  const redemption = await db.redemption.findUniqueOrThrow({
    where: { id: redemptionId },
    include: { member: true, shop: true },
  });
  if (redemption.status !== "pending") return redemption;
  let task = claimed ?? null;
  if (!task) {
    const queued = await db.outboxTask.findUnique({
      where: { shopId_key: { shopId: redemption.shopId, key: `redemption:${redemption.id}:create` } },
    });
    task = queued && (await claimTask(db, queued.id, now, new Date(now.getTime() + INLINE_ATTEMPT_MS)));
  }
  if (!task || task.deliveredAt) return redemption;
  // Without a valid program the task waits (its claim lapses) rather than failing the pass.
  const shop = await loadRunnableShop(db, redemption.shopId);
  if (!shop) return redemption;
  try {
    if (!redemption.member.shopifyCustomerId) throw new Error("the member is no longer a Shopify customer");
    const admin = await AdminGateway.forShop(db, redemption.shop.domain, gatewayOptions);
    const reward = redemption.reward as unknown as Reward & { amountBought: number | null };
    const discountId = await createDiscountCode(
      admin,
      rewardCode(reward, {
        code: redemption.code,
        customerId: redemption.member.shopifyCustomerId,
        amountBought: reward.amountBought,
        startsAt: redemption.startsAt,
        endsAt: redemption.endsAt,
      }),
    );
    await inTransaction(db, async (tx) => {
      await activateRedemption(tx, redemption.id, discountId, now);
      await tx.outboxTask.update({ where: { id: task.id }, data: { deliveredAt: now, attempts: { increment: 1 } } });
    });
  } catch (error) {
    const attempts = task.attempts + 1;
    if (isRetryable(error) && canRetry(TASK_RETRY, attempts)) {
      await db.outboxTask.update({
        where: { id: task.id },
        data: { attempts, runAt: nextAttemptAt(TASK_RETRY, now, attempts) },
      });
    } else {
      await inTransaction(db, async (tx) => {
        await failRedemption(tx, shop, redemption.id, String((error as Error).message ?? error), now);
        await tx.outboxTask.update({ where: { id: task.id }, data: { deliveredAt: now, attempts } });
      });
    }
  }
  return db.redemption.findUniqueOrThrow({ where: { id: redemption.id } });
}

/** One pass over due discount-code tasks. */
export async function deliverOutbox(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<JobReport> {
  const report = { job: "outbox", members: 0, points: 0 };
  const due = await claimDueTasks(db, "create_discount", now, 100);
  for (const task of due) {
    const redemption = await deliverRedemptionCode(
      db,
      (task.payload as { redemptionId: string }).redemptionId,
      now,
      gatewayOptions,
      task,
    );
    report.members++;
    if (redemption.status === "active") report.points += fromBigInt(redemption.pointsSpent);
  }
  return report;
}

/** Unused codes past their end (and a day's grace for late webhooks) expire. */
export async function expireUnusedCodes(db: PrismaClient, now: Date): Promise<JobReport> {
  const report = { job: "expire_codes", members: 0, points: 0 };
  const expired = await db.redemption.findMany({
    where: { status: "active", endsAt: { lte: new Date(now.getTime() - UNUSED_CODE_GRACE_MS) } },
    select: { id: true, shopId: true, pointsSpent: true },
    take: 1000,
  });
  for (const redemption of expired) {
    const shop = await loadRunnableShop(db, redemption.shopId);
    if (!shop) continue;
    if (await inTransaction(db, (tx) => expireUnusedCode(tx, shop, redemption.id, now))) {
      report.members++;
      report.points += fromBigInt(redemption.pointsSpent);
    }
  }
  return report;
}
