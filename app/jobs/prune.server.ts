import { Prisma, type PrismaClient } from "@prisma/client";
import type { JobReport } from "./job-report";

/**
 * Retention of the tables that only grow (docs/operations.md, "Retention"). Rows older than this
 * have done their work: a webhook id Shopify could redeliver (it retries 8 times over about 4 hours), a side
 * effect already delivered, a referral visit past every check that reads it, an import the
 * merchant has long seen the result of. The ledger, lots, orders and members are never pruned.
 */
export const RETENTION_DAYS = {
  webhookDeliveries: 30,
  deliveredOutboxTasks: 30,
  referralVisits: 731,
  finishedImports: 90,
  // Flow resends an unanswered action run for up to a day.
  flowActionRuns: 7,
} as const;

const DAY_MS = 86_400_000;
/** Rows deleted per statement: short transactions, no long lock on a busy table. */
export const PRUNE_BATCH = 5_000;

type Deleted = Record<keyof typeof RETENTION_DAYS, number>;

export interface PruneReport extends JobReport {
  job: "prune";
  deleted: Deleted;
}

/** Deletes the rows `candidates` selects (by id, oldest first), a batch at a time, until none is left. */
async function deleteInBatches(
  db: PrismaClient,
  table: string,
  candidates: Prisma.Sql,
  batchSize: number,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const count = await db.$executeRaw`
      DELETE FROM ${Prisma.raw(`"${table}"`)} WHERE id IN (SELECT id FROM ${Prisma.raw(`"${table}"`)} WHERE ${candidates} LIMIT ${batchSize})`;
    deleted += count;
    if (count < batchSize) return deleted;
  }
}

/** Deletes what is past its retention (RETENTION_DAYS); an import's rows go with it. */
export async function pruneExpiredRows(
  db: PrismaClient,
  now: Date,
  options: { batchSize?: number } = {},
): Promise<PruneReport> {
  const batchSize = options.batchSize ?? PRUNE_BATCH;
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const deleted: Deleted = {
    webhookDeliveries: await deleteInBatches(
      db,
      "WebhookDelivery",
      // A delivery still pending or parked holds its body until it is applied or dealt with.
      Prisma.sql`"receivedAt" < ${before(RETENTION_DAYS.webhookDeliveries)} AND payload IS NULL`,
      batchSize,
    ),
    deliveredOutboxTasks: await deleteInBatches(
      db,
      "OutboxTask",
      Prisma.sql`"deliveredAt" < ${before(RETENTION_DAYS.deliveredOutboxTasks)}`,
      batchSize,
    ),
    referralVisits: await deleteInBatches(
      db,
      "ReferralVisit",
      Prisma.sql`"createdAt" < ${before(RETENTION_DAYS.referralVisits)}`,
      batchSize,
    ),
    // An import holds up to 100,000 rows (deleted with it): fewer imports per statement.
    finishedImports: await deleteInBatches(
      db,
      "MemberImport",
      Prisma.sql`status IN ('done', 'failed') AND "finishedAt" < ${before(RETENTION_DAYS.finishedImports)}`,
      Math.max(1, Math.floor(batchSize / 1000)),
    ),
    flowActionRuns: await deleteInBatches(
      db,
      "FlowActionRun",
      Prisma.sql`"createdAt" < ${before(RETENTION_DAYS.flowActionRuns)}`,
      batchSize,
    ),
  };
  return { job: "prune", processed: 0, points: 0, deleted };
}
