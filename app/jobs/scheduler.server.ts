import type { PrismaClient } from "@prisma/client";
import { POINTS_JOBS, type PointsJobName } from "./points.server";
import type { PruneReport } from "./prune.server";

const MINUTE = 60_000;

const SCHEDULE: { jobs: PointsJobName[]; everyMs: number }[] = [
  {
    jobs: [
      "outbox",
      "store_credit",
      "usage",
      "publish",
      "tier_perks",
      "score_orders",
      "sync",
      "flow",
      "newsletter_consent",
      "import",
      "campaigns",
    ],
    everyMs: 10_000,
  },
  {
    jobs: ["release", "challenge_prizes", "expire", "remind", "expire_codes", "referrals", "bonus_events"],
    everyMs: MINUTE,
  },
  {
    jobs: [
      "tiers",
      "reconcile",
      "tier_perks_reconcile",
      "birthdays",
      "prune",
      "store_credit_setting",
      "win_back",
      "membership",
    ],
    everyMs: 60 * MINUTE,
  },
];

/**
 * Runs the points jobs in this process on their intervals (TALLY_JOBS=off disables it, e.g. when
 * a separate worker runs `npm run jobs`). Passes never overlap; a failing job is logged and
 * retried on its next tick.
 */
export function startJobScheduler(db: PrismaClient): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const timers = SCHEDULE.map(({ jobs, everyMs }) =>
    setInterval(() => {
      running = running.then(async () => {
        for (const name of jobs) {
          if (stopped) return;
          try {
            const report = await POINTS_JOBS[name](db, new Date());
            const pruned =
              "deleted" in report && Object.values(report.deleted as PruneReport["deleted"]).some((count) => count > 0);
            if (report.processed || pruned) console.info(JSON.stringify({ event: "job.done", ...report }));
          } catch (error) {
            console.error(JSON.stringify({ event: "job.failed", job: name, error: String(error) }));
          }
        }
      });
    }, everyMs),
  );
  return {
    async stop() {
      stopped = true;
      timers.forEach(clearInterval);
      await running;
    },
  };
}
