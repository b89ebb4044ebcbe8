import { database } from "./db.server";
import { startJobScheduler } from "./jobs/scheduler.server";

let scheduler: { stop(): Promise<void> } | null = null;

/** Called by server.ts before it listens: the database must answer first. */
export async function startServer(): Promise<{ database: string; migrated: string[]; jobs: boolean }> {
  const { migrated } = await database.ready;
  await database.prisma.$queryRaw`SELECT 1`;
  if (process.env.TALLY_JOBS !== "off") scheduler = startJobScheduler(database.prisma);
  return { database: `${database.kind} at ${database.location}`, migrated, jobs: scheduler !== null };
}

/** Stops the jobs, then closes the database (PGlite flushes its files), once HTTP has drained. */
export async function stopServer(): Promise<void> {
  await scheduler?.stop();
  await database.close();
}
