// `npm run worker`: the points jobs on their schedule and a webhook inbox applier, without serving
// HTTP — the job worker of a deployment whose web instances run with TALLY_JOBS=off (and, if
// wished, TALLY_INBOX_APPLIER=off). Several workers may run: outbox tasks and inbox deliveries are
// claimed (FOR UPDATE SKIP LOCKED), the other jobs lock members and write keyed entries.
import { databaseEnvironment } from "../app/config/env.server";
import { openDatabase } from "../app/db/database.server";
import { inboxApplierOptions, startInboxApplier } from "../app/jobs/inbox.server";
import { startJobScheduler } from "../app/jobs/scheduler.server";

const database = openDatabase(databaseEnvironment());
await database.ready;
const scheduler = startJobScheduler(database.prisma);
const applier = startInboxApplier(database.prisma, inboxApplierOptions(database));
console.info(JSON.stringify({ event: "worker.started", database: `${database.kind} at ${database.location}` }));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await applier.stop();
    await scheduler.stop();
    await database.close();
    process.exit(0);
  });
}
