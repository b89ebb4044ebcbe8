import { serverEnvironment } from "./config/env.server";
import { database } from "./db.server";
import { databaseHealth } from "./db/health.server";
import { inboxApplierOptions, startInboxApplier } from "./jobs/inbox.server";
import { startJobScheduler } from "./jobs/scheduler.server";

export { isDatabaseUnavailable } from "./db/unavailable.server";

let scheduler: { stop(): Promise<void> } | null = null;
let applier: { stop(): Promise<void> } | null = null;

/**
 * Called by server.ts before it listens. The embedded database must be open (it is this
 * process's own); a PostgreSQL server that is down or unmigrated does not stop the start —
 * the app answers 503 (and /healthz says why) until it can serve (docs/decisions/0010-database-outages-answer-503.md).
 */
export async function startServer(): Promise<{ database: string; migrated: string[]; jobs: boolean }> {
  const { migrated } = await database.ready;
  const health = await databaseHealth(database.prisma);
  if (!health.ok) console.warn(JSON.stringify({ event: "database.not_ready", ...health }));
  if (serverEnvironment().TALLY_JOBS !== "off") scheduler = startJobScheduler(database.prisma);
  if (serverEnvironment().TALLY_INBOX_APPLIER !== "off") {
    applier = startInboxApplier(database.prisma, inboxApplierOptions(database));
  }
  return { database: `${database.kind} at ${database.location}`, migrated, jobs: scheduler !== null };
}

/** Stops the jobs and the applier, then closes the database (PGlite flushes its files), once HTTP has drained. */
export async function stopServer(): Promise<void> {
  await applier?.stop();
  await scheduler?.stop();
  await database.close();
}
