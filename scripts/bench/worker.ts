// The bench's job worker, a child process like `npm run jobs` (same env: DATABASE_URL or
// PGLITE_DATA_DIR, SHOPIFY_ADMIN_API_ORIGIN). Three modes:
//   inbox — applies every pending webhook delivery (the appliers as `npm run worker` runs them), prints
//           {"event":"bench.applied","deliveries":N,"seconds":S} and exits;
//   drain — applies what the inbox still holds, then delivers every waiting discount code, then
//           records every waiting usage charge (outbox passes until none is left), prints
//           {"event":"bench.drained","codes":N,"seconds":S,"usage":U,"usageSeconds":T} and exits;
//   loop  — runs every points job, pass after pass, until SIGTERM (a worker beside app
//           instances started with TALLY_JOBS=off).
import { databaseEnvironment } from "../../app/config/env.server";
import { openDatabase } from "../../app/db/database.server";
import { applyInbox, inboxApplierOptions, startInboxApplier } from "../../app/jobs/inbox.server";
import { deliverOutbox, recordUsageCharges } from "../../app/jobs/outbox.server";
import { POINTS_JOBS, type PointsJobName } from "../../app/jobs/points.server";

const mode = process.argv[2];
const database = openDatabase(databaseEnvironment());
await database.ready;
const db = database.prisma;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const waiting = { topic: "create_discount", deliveredAt: null } as const;

if (mode === "inbox") {
  // The appliers exactly as `npm run worker` runs them, until nothing is left pending.
  const counts = async () => {
    const [row] = await db.$queryRaw<{ pending: number; applied: number; parked: number }[]>`
      SELECT count(*) FILTER (WHERE payload IS NOT NULL AND "parkedAt" IS NULL)::int AS pending,
             count(*) FILTER (WHERE "appliedAt" IS NOT NULL)::int AS applied,
             count(*) FILTER (WHERE "parkedAt" IS NOT NULL)::int AS parked
        FROM "WebhookDelivery"`;
    return row!;
  };
  const before = await counts();
  const started = performance.now();
  const applier = startInboxApplier(db, inboxApplierOptions(database));
  let after = await counts();
  while (after.pending > 0) {
    await sleep(100);
    after = await counts();
  }
  const seconds = (performance.now() - started) / 1000;
  await applier.stop();
  console.log(
    JSON.stringify({
      event: "bench.applied",
      deliveries: after.applied - before.applied,
      parked: after.parked - before.parked,
      seconds,
    }),
  );
  await database.close();
} else if (mode === "drain") {
  // Orders the app accepted and had not applied when it stopped queue their usage charges here.
  await applyInbox(db);
  // Codes whose first attempt failed wait for their backoff: start once the last one is due,
  // so the figure is the delivery rate, not the backoff.
  const latest = await db.outboxTask.aggregate({ where: waiting, _max: { runAt: true } });
  const dueAt = latest._max.runAt?.getTime() ?? 0;
  if (dueAt > Date.now()) await sleep(dueAt - Date.now() + 50);
  const started = performance.now();
  let codes = 0;
  while ((await db.outboxTask.count({ where: waiting })) > 0) {
    const pass = await deliverOutbox(db, new Date());
    if (pass.processed === 0) break; // what is left is not due: a retry scheduled by a failure
    codes += pass.processed;
  }
  const seconds = (performance.now() - started) / 1000;
  const usageStarted = performance.now();
  let usage = 0;
  for (;;) {
    const pass = await recordUsageCharges(db, new Date());
    if (pass.processed === 0) break;
    usage += pass.processed;
  }
  const usageSeconds = (performance.now() - usageStarted) / 1000;
  console.log(JSON.stringify({ event: "bench.drained", codes, seconds, usage, usageSeconds }));
  await database.close();
} else if (mode === "loop") {
  let stopping = false;
  process.on("SIGTERM", () => (stopping = true));
  console.log(JSON.stringify({ event: "bench.worker.ready" }));
  const jobs = Object.keys(POINTS_JOBS) as PointsJobName[];
  while (!stopping) {
    for (const job of jobs) {
      if (stopping) break;
      try {
        await POINTS_JOBS[job](db, new Date());
      } catch (error) {
        console.error(JSON.stringify({ event: "job.failed", job, error: String(error) }));
      }
    }
    await sleep(200); // a pass with nothing to do should not spin
  }
  await database.close();
  console.log(JSON.stringify({ event: "bench.worker.stopped" }));
} else {
  console.error("usage: tsx scripts/bench/worker.ts <inbox|drain|loop>");
  process.exit(2);
}
