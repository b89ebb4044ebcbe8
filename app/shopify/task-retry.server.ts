import type { OutboxTask, PrismaClient } from "@prisma/client";
import { canRetry, nextAttemptAt, TASK_RETRY } from "~/http/retry-policy";
import { isRetryable } from "./errors";

/**
 * After an outbox task's call to Shopify failed: when the failure can pass (throttling, 5xx, a
 * network error) and TASK_RETRY allows another attempt, schedules it and returns true. Otherwise
 * returns false and leaves the task to its caller, which gives up its own way (refund, unbilled…).
 */
export async function retryLater(db: PrismaClient, task: OutboxTask, now: Date, error: unknown): Promise<boolean> {
  const attempts = task.attempts + 1;
  if (!isRetryable(error) || !canRetry(TASK_RETRY, attempts)) return false;
  await db.outboxTask.update({
    where: { id: task.id },
    data: { attempts, runAt: nextAttemptAt(TASK_RETRY, now, attempts) },
  });
  return true;
}
