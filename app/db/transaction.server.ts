import { Prisma, type PrismaClient } from "@prisma/client";

const RETRYABLE = new Set(["P2002", "P2034"]);
// A raw statement's failure is P2010 with PostgreSQL's own code: a unique race or a deadlock.
const RETRYABLE_RAW = /Code: `(23505|40P01)`|deadlock detected/;

/**
 * Runs one loyalty transaction, retrying it from the start when PostgreSQL reports a deadlock or
 * a race on a unique key (two first deliveries of one cause): the retry sees the winner's rows.
 */
export async function inTransaction<T>(
  db: PrismaClient,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(work, { maxWait: 20_000, timeout: 30_000 });
    } catch (error) {
      const code = error instanceof Prisma.PrismaClientKnownRequestError ? error.code : undefined;
      const raceOrDeadlock = RETRYABLE_RAW.test(String((error as Error)?.message));
      if (attempt >= 4 || !(raceOrDeadlock || (code && RETRYABLE.has(code)))) throw error;
    }
  }
}
