import type { OutboxTask, PrismaClient, Redemption } from "@prisma/client";
import { claimTask } from "~/db/outbox-claims.server";
import { inTransaction } from "~/db/transaction.server";
import type { Reward } from "~/loyalty/program/program";
import { loadRunnableShop } from "~/loyalty/program/program.server";
import { activateRedemption, failRedemption, INLINE_ATTEMPT_MS } from "./redemptions.server";
import { rewardCode } from "./reward-codes";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { createDiscountCode } from "~/shopify/discounts.server";
import { retryTaskLater } from "~/shopify/task-retry.server";

/**
 * Creates a pending redemption's discount code in Shopify: "create the code now, or leave it to
 * the outbox". The redeeming request calls it once, right away; the outbox job calls it with the
 * task it claimed, until the code exists or is given up on. Success activates it; a failure
 * that can pass (throttling, 5xx, network) is retried later as TASK_RETRY says; anything else, or
 * the last attempt, fails the redemption and refunds its points. Only the holder of the task's
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
  const task = claimed ?? (await claimInline(db, redemption.shopId, `redemption:${redemption.id}:create`, now));
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
    if (!(await retryTaskLater(db, task, error, now))) {
      await inTransaction(db, async (tx) => {
        await failRedemption(tx, shop, redemption.id, String((error as Error).message ?? error), now);
        await tx.outboxTask.update({ where: { id: task.id }, data: { deliveredAt: now, attempts: task.attempts + 1 } });
      });
    }
  }
  return db.redemption.findUniqueOrThrow({ where: { id: redemption.id } });
}

/**
 * The redeeming request's claim on its redemption's task (`key`): taken a little before the
 * workers would take it, or null when a worker holds it already or it is done.
 */
export async function claimInline(db: PrismaClient, shopId: string, key: string, now: Date) {
  const queued = await db.outboxTask.findUnique({ where: { shopId_key: { shopId, key } } });
  return queued && (await claimTask(db, queued.id, now, new Date(now.getTime() + INLINE_ATTEMPT_MS)));
}
