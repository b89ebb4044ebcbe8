import { Prisma, type OutboxTask, type PrismaClient } from "@prisma/client";

/** How long a claimed task is left to its worker before another may take it (the worker died). */
export const CLAIM_LEASE_MS = 2 * 60_000;

/**
 * Claims due outbox tasks of a topic for this worker: several workers (app instances with jobs
 * on, or `npm run jobs` processes) never take the same task, because a claim pushes the task's
 * `runAt` past the lease in the same statement that skips rows another worker is claiming
 * (`FOR UPDATE SKIP LOCKED`). A task its worker never finishes comes due again after the lease:
 * nothing is lost. Finishing sets `deliveredAt`; retrying sets a new `runAt`.
 */
export async function claimDueTasks(
  db: PrismaClient,
  topic: string,
  now: Date,
  limit: number,
  /** One shop's tasks only (a mass write takes a whole shop's backlog at once). */
  shopId?: string,
): Promise<OutboxTask[]> {
  const ofShop = shopId === undefined ? Prisma.empty : Prisma.sql`AND "shopId" = ${shopId}`;
  const claimed = await db.$queryRaw<OutboxTask[]>`
    UPDATE "OutboxTask" SET "runAt" = ${new Date(now.getTime() + CLAIM_LEASE_MS)}
     WHERE id IN (SELECT id FROM "OutboxTask"
                   WHERE topic = ${topic} ${ofShop} AND "deliveredAt" IS NULL AND "runAt" <= ${now}
                   ORDER BY "runAt" LIMIT ${limit}
                   FOR UPDATE SKIP LOCKED)
    RETURNING *`;
  return claimed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** Shops with at least `atLeast` due tasks of a topic. */
export async function shopsWithDueTasks(
  db: PrismaClient,
  topic: string,
  now: Date,
  atLeast: number,
): Promise<string[]> {
  const rows = await db.$queryRaw<{ shopId: string }[]>`
    SELECT "shopId" FROM "OutboxTask"
     WHERE topic = ${topic} AND "deliveredAt" IS NULL AND "runAt" <= ${now}
     GROUP BY "shopId" HAVING count(*) >= ${atLeast}`;
  return rows.map((row) => row.shopId);
}

/** Gives unfinished claimed tasks back at once (not after the lease). */
export async function releaseTasks(db: PrismaClient, taskIds: string[], now: Date) {
  if (!taskIds.length) return;
  await db.$executeRaw`UPDATE "OutboxTask" SET "runAt" = ${now} WHERE id = ANY(${taskIds}) AND "deliveredAt" IS NULL`;
}

/**
 * Claims one task by id if nobody holds it and it is due by `dueBy` (the request that queued it
 * may take it a little before the workers would). Null when another worker holds it or it is done.
 */
export async function claimTask(db: PrismaClient, taskId: string, now: Date, dueBy: Date): Promise<OutboxTask | null> {
  const [claimed] = await db.$queryRaw<OutboxTask[]>`
    UPDATE "OutboxTask" SET "runAt" = ${new Date(now.getTime() + CLAIM_LEASE_MS)}
     WHERE id = ${taskId} AND "deliveredAt" IS NULL AND "runAt" <= ${dueBy}
    RETURNING *`;
  return claimed ?? null;
}
