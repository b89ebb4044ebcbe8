import type { PrismaClient } from "@prisma/client";
import { inTransaction } from "~/db/transaction.server";
import { canRetry, nextAttemptAt, TASK_RETRY, type RetryPolicy } from "~/http/retry-policy";
import { awaitingPaidOrder, recordPaidOrder, SCORE_ORDER_TOPIC } from "~/loyalty/orders/orders.server";
import { loadShop } from "~/loyalty/program/program.server";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { isRetryable } from "~/shopify/errors";
import { factsToAsk, fetchOrderFacts } from "~/loyalty/orders/order-facts.server";
import { claimDueTasks } from "~/db/outbox-claims.server";
import type { JobReport } from "./job-report";

/** Twenty attempts (up to about six hours) before an order is left to the reconcile job. */
const SCORE_RETRY: RetryPolicy = { ...TASK_RETRY, maxAttempts: 20 };

/**
 * Scores the paid orders that waited for their facts (products, segments): fetches them (with the
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
      const admin = await AdminGateway.forShop(db, shop.domain, gatewayOptions);
      const facts = await fetchOrderFacts(admin, paid, factsToAsk(shop, paid));
      const settled = await inTransaction(db, async (tx) => {
        await tx.outboxTask.update({ where: { id: task.id }, data: { deliveredAt: now, attempts: { increment: 1 } } });
        return recordPaidOrder(tx, shop, paid, now, facts.products, facts.segmentIds);
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
