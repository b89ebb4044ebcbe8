import { Prisma, type PrismaClient } from "@prisma/client";

const RETRYABLE = new Set(["P2002", "P2034"]);

/**
 * Runs one loyalty transaction, retrying it from the start when PostgreSQL reports a deadlock or
 * a race on a unique key (two first deliveries of one cause): the retry sees the winner's rows.
 */
export async function inTransaction<T>(db: PrismaClient, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(work, { maxWait: 20_000, timeout: 30_000 });
    } catch (error) {
      const code = error instanceof Prisma.PrismaClientKnownRequestError ? error.code : undefined;
      const deadlock = /deadlock detected|40P01/.test(String((error as Error)?.message));
      if (attempt >= 4 || !(deadlock || (code && RETRYABLE.has(code)))) throw error;
    }
  }
}
