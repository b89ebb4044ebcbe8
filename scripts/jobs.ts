// `npm run jobs -- <job|all> [shop-domain]` (the jobs of app/jobs/points.server.ts): one pass of
// the points jobs against DATABASE_URL, each printing its report (how many things it processed, the
// points they moved) — for a worker or cron next to app instances started with
// TALLY_JOBS=off. The embedded database belongs to the running app (which runs these jobs
// itself): use this with it only while the app is stopped.
import { databaseEnvironment } from "../app/config/env.server";
import { openDatabase } from "../app/db/database.server";
import { POINTS_JOBS, type PointsJobName } from "../app/jobs/points.server";

const [name = "all", shop] = process.argv.slice(2);
const names = name === "all" ? (Object.keys(POINTS_JOBS) as PointsJobName[]) : [name as PointsJobName];
if (!names.every((job) => job in POINTS_JOBS)) {
  console.error(`usage: npm run jobs -- <${Object.keys(POINTS_JOBS).join("|")}|all> [shop-domain]`);
  process.exit(2);
}
const database = openDatabase(databaseEnvironment());
try {
  await database.ready;
  for (const job of names) console.log(JSON.stringify(await POINTS_JOBS[job](database.prisma, new Date(), shop)));
} finally {
  await database.close();
}
