import type { PrismaClient } from "@prisma/client";
import { inTransaction } from "~/db/transaction.server";
import { canRetry, nextAttemptAt, TASK_RETRY, type RetryPolicy } from "~/http/retry-policy";
import { awaitingPaidOrder, recordPaidOrder, SCORE_ORDER_TOPIC } from "~/loyalty/orders/orders.server";
import { loadShop } from "~/loyalty/program/program.server";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { isRetryable } from "~/shopify/errors";
import { fetchProductFacts } from "~/shopify/products.server";
import { claimDueTasks } from "~/db/outbox-claims.server";
import type { JobReport } from "./job-report";

/** Twenty attempts (up to about six hours) before an order is left to the reconcile job. */
const SCORE_RETRY: RetryPolicy = { ...TASK_RETRY, maxAttempts: 20 };

/**
 * Scores the paid orders that waited for their product facts: fetches the facts (with the
 * gateway's retries: a job may wait) and records the payment in one transaction with the task's
 * completion. recordPaidOrder awards on the first payment only, so a webhook or the reconcile
 * job that got there first leaves nothing to do. A shop Shopify no longer serves, or an order
 * that failed every attempt, is dropped from the outbox and left to reconciliation.
 */
export async function scoreAwaitingOrders(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<JobReport> {
  const report = { job: "score_orders", processed: 0, points: 0 };
  for (const task of await claimDueTasks(db, SCORE_ORDER_TOPIC, now, 50)) {
    const shop = await loadShop(db, task.shopId);
    const paid = awaitingPaidOrder(task.payload);
    try {
      const productIds = paid.lines.flatMap((line) => (line.productId ? [line.productId] : []));
      const facts = await fetchProductFacts(await AdminGateway.forShop(db, shop.domain, gatewayOptions), productIds);
      const settled = await inTransaction(db, async (tx) => {
        await tx.outboxTask.update({ where: { id: task.id }, data: { deliveredAt: now, attempts: { increment: 1 } } });
        return recordPaidOrder(tx, shop, paid, now, facts);
      });
      if (settled.awarded) {
        report.processed++;
        report.points += settled.net;
      }
    } catch (error) {
      const attempts = task.attempts + 1;
      const retry = isRetryable(error) && canRetry(SCORE_RETRY, attempts);
      if (!retry)
        console.error(
          JSON.stringify({
            event: "order.score_abandoned",
            shop: shop.domain,
            order: paid.shopifyOrderId,
            error: String(error),
          }),
        );
      await db.outboxTask.update({
        where: { id: task.id },
        data: retry ? { attempts, runAt: nextAttemptAt(SCORE_RETRY, now, attempts) } : { attempts, deliveredAt: now },
      });
    }
  }
  return report;
}
