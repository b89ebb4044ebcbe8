import { PrismaClient } from "@prisma/client";
import { roiFigures } from "~/loyalty/reports/roi.server";
const db = new PrismaClient({ datasourceUrl: "postgresql://postgres@127.0.0.1:5432/tally_bench_12511_9b03a87d", log: [{ emit: "event", level: "query" }] });
db.$on("query", (e) => console.log(e.duration, "ms", e.query.replace(/\s+/g, " ").slice(0, 90)));
const now = new Date();
for (let i = 0; i < 2; i++) {
  const t = performance.now();
  await roiFigures(db, "cmx54k7jy0000nj7d4ikpe7ay", { from: "2025-12", to: "2026-11" }, now);
  console.log("total", Math.round(performance.now() - t));
}
await db.$disconnect();
