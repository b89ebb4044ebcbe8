import type { OutboxTask, Prisma, PrismaClient } from "@prisma/client";
import { canRetry, nextAttemptAt, TASK_RETRY } from "~/http/retry-policy";
import { isRetryable } from "./errors";

/**
 * The one retry-or-give-up step of an outbox task whose Shopify call failed: a failure that can
 * pass (throttling, 5xx, network) makes the task due again as TASK_RETRY says, while attempts
 * remain. False when the caller must give up (a refusal, or the last attempt): it finishes the
 * task its own way (refund, mark failed, log).
 */
export async function retryTaskLater(
  db: PrismaClient | Prisma.TransactionClient,
  task: Pick<OutboxTask, "id" | "attempts">,
  error: unknown,
  now: Date,
): Promise<boolean> {
  const attempts = task.attempts + 1;
  if (!isRetryable(error) || !canRetry(TASK_RETRY, attempts)) return false;
  await db.outboxTask.update({
    where: { id: task.id },
    data: { attempts, runAt: nextAttemptAt(TASK_RETRY, now, attempts) },
  });
  return true;
}
