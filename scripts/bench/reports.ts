// The merchant's reports at a large store's scale (issue 25): the accounting roll-forward and the
// ROI page over 12 months of a shop with 100k members, 1M ledger entries and 400k orders, seeded
// set-based into a fresh database of each kind. Each figure is the median of three runs after a
// first one: what the page's loader waits for.
import type { PrismaClient } from "@prisma/client";
import { pointsRollForward } from "~/loyalty/reports/accounting.server";
import { breakageCohortSums } from "~/loyalty/reports/breakage.server";
import { goalsProgress, programInsights } from "~/loyalty/reports/goals.server";
import { incrementalityEstimate } from "~/loyalty/reports/incrementality.server";
import { programCost } from "~/loyalty/reports/program-cost.server";
import { roiBounds } from "~/loyalty/reports/roi";
import { defaultProgram, type Goal } from "~/loyalty/program/program";
import { roiFigures } from "~/loyalty/reports/roi.server";
import { round, type DatabaseKind, type Figure } from "./figures";
import { progress } from "./harness";
import { scratchDatabase, timed } from "./jobs";

export interface ReportsScale {
  members: number;
  ledgerEntries: number;
  orders: number;
}

export const FULL_REPORTS_SCALE: ReportsScale = { members: 100_000, ledgerEntries: 1_000_000, orders: 400_000 };
export const QUICK_REPORTS_SCALE: ReportsScale = { members: 10_000, ledgerEntries: 100_000, orders: 40_000 };

const RUNS = 3;
const GOAL_MS = { op: "<=", value: 1000 } as const;
// The reports' year: the 12 months ending with the current one.
const DAYS = 365;

/**
 * A shop two years old, its rows written in time order as an append-only ledger and order book are
 * (a month's entries share pages, as they do in production): members joined over 24 months; a quarter of the orders are by customers
 * before they joined or never enrolled, a tenth are guests'; the ledger's entries spread over the
 * last year — earnings with their lots, redemptions with their Redemption row, expiries, adjustments.
 */
export async function seedReportsShop(kind: DatabaseKind, prisma: PrismaClient, scale: ReportsScale): Promise<string> {
  const shop = await prisma.shop.create({
    data: { domain: "bench-reports.myshopify.com", program: { version: 1 }, currencyCode: "EUR" },
  });
  const run = (sql: string, ...values: unknown[]) => prisma.$executeRawUnsafe(sql, shop.id, ...values);
  await run(
    `INSERT INTO "Member" (id, "shopId", "shopifyCustomerId", email, balance, "createdAt", "updatedAt")
     SELECT 'm' || i, $1, (1000000 + i)::text, 'c' || i || '@example.com', 0,
            now() - make_interval(days => ((i::bigint * 7919) % 730)::int), now()
       FROM generate_series(1, $2::int) AS i
     ORDER BY 6`,
    scale.members,
  );
  // Orders: i's customer is member (i % members) + 1; every 4th by a customer never enrolled, every 10th a guest.
  await run(
    `INSERT INTO "Order" (id, "shopId", "shopifyOrderId", "memberId", "shopifyCustomerId", "placedAt", "paidAt",
                          "currencyCode", "eligibleCents", "createdAt", "updatedAt")
     SELECT 'o' || i, $1, (5000000 + i)::text,
            CASE WHEN i % 10 = 0 OR i % 4 = 0 THEN NULL ELSE 'm' || ((i % $3::int) + 1) END,
            CASE WHEN i % 10 = 0 THEN NULL WHEN i % 4 = 0 THEN (9000000 + i % ($3::int / 2))::text
                 ELSE (1000000 + (i % $3::int) + 1)::text END,
            now() - make_interval(days => ((i::bigint * 104729) % 730)::int), now() - make_interval(days => ((i::bigint * 104729) % 730)::int),
            'EUR', 1000 + (i::bigint * 31) % 20000, now(), now()
       FROM generate_series(1, $2::int) AS i
     ORDER BY 6`,
    scale.orders,
    scale.members,
  );
  // A reward's code on every 10th member order.
  await run(
    `INSERT INTO "OrderDiscount" (id, "shopId", "shopifyOrderId", kind, reference, "amountCents", "currencyCode", "placedAt")
     SELECT 'd' || o.id, $1, o."shopifyOrderId", 'reward_code', 'r' || o.id, 500, 'EUR', o."placedAt"
       FROM "Order" o WHERE o."shopId" = $1 AND o."memberId" IS NOT NULL AND right(o."shopifyOrderId", 1) = '1'
     ORDER BY 8`,
  );
  const entries = scale.ledgerEntries;
  const redemptions = Math.floor(entries / 10);
  await run(
    `INSERT INTO "Redemption" (id, "shopId", "memberId", "requestKey", "rewardId", reward, "pointsSpent", code, status,
                               "startsAt", "endsAt", "createdAt", "updatedAt")
     SELECT 'r' || i, $1, 'm' || ((i % $3::int) + 1), 'k' || i, 'five-off',
            CASE WHEN i % 5 = 0 THEN '{"type":"store_credit"}'::jsonb ELSE '{"type":"amount_off"}'::jsonb END,
            500, 'CODE' || i, 'used', now(), now(), now() - make_interval(days => ((i::bigint * 7) % ${DAYS})::int), now()
       FROM generate_series(1, $2::int) AS i
     ORDER BY 12`,
    redemptions,
    scale.members,
  );
  // Of the entries: 10% redemptions (debits of the rows above), 5% expiries, 2% adjustments, the rest earnings.
  await run(
    `INSERT INTO "LedgerEntry" (id, "shopId", "memberId", delta, kind, "idempotencyKey", "sourceType", "sourceId", "createdAt")
     SELECT 'e' || i, $1, 'm' || ((i % $3::int) + 1),
            CASE WHEN i <= $4::int THEN -500 WHEN i % 20 = 0 THEN -50 WHEN i % 50 = 1 THEN 25 ELSE 100 END,
            CASE WHEN i <= $4::int THEN 'redeem' WHEN i % 20 = 0 THEN 'expire' WHEN i % 50 = 1 THEN 'adjust' ELSE 'earn' END,
            CASE WHEN i % 20 = 0 THEN 'expire:le' || (i - 1) ELSE 'seed:' || i END,
            CASE WHEN i <= $4::int THEN 'redemption' WHEN i % 20 = 0 THEN NULL WHEN i % 50 = 1 THEN 'adjustment' ELSE 'order' END,
            CASE WHEN i <= $4::int THEN 'r' || i ELSE NULL END,
            now() - make_interval(days => ((i::bigint * 13) % ${DAYS})::int, secs => i % 86400)
       FROM generate_series(1, $2::int) AS i
     ORDER BY 9`,
    entries,
    scale.members,
    redemptions,
  );
  await run(
    `INSERT INTO "PointLot" (id, "shopId", "memberId", amount, remaining, "availableAt", "expiresAt", source, "createdAt")
     SELECT 'l' || e.id, $1, e."memberId", e.delta, e.delta / 2, e."createdAt", e."createdAt" + interval '365 days', 'orders', e."createdAt"
       FROM "LedgerEntry" e WHERE e."shopId" = $1 AND e.kind = 'earn'
     ORDER BY e."createdAt"`,
  );
  // PostgreSQL's autovacuum analyzes after a bulk load; PGlite has none, so it is asked here too.
  await prisma.$executeRawUnsafe(`ANALYZE "Member", "Order", "OrderDiscount", "LedgerEntry", "PointLot", "Redemption"`);
  if (kind === "postgresql") await prisma.$executeRawUnsafe(`VACUUM ANALYZE "Order", "LedgerEntry"`);
  return shop.id;
}

/** The first run's time (nothing warm, nothing kept yet), and the median of the next RUNS. */
async function measure(work: () => Promise<unknown>): Promise<{ first: number; median: number }> {
  const first = (await timed(work)).ms;
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) times.push((await timed(work)).ms);
  return { first, median: times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]! };
}

const currentMonthRange = (now: Date) => {
  const month = (offset: number) => {
    const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
    return date.toISOString().slice(0, 7);
  };
  return { from: month(-11), to: month(0) };
};

export async function runReportsBench(kind: DatabaseKind, scale: ReportsScale): Promise<Figure[]> {
  const scratch = await scratchDatabase(kind);
  try {
    const seeded = await timed(() => seedReportsShop(kind, scratch.prisma, scale));
    const shopId = seeded.result;
    progress(`reports (${kind}): seeded in ${round(seeded.ms / 1000, 1)} s`);
    const now = new Date();
    const range = currentMonthRange(now);
    const detail = `${scale.members / 1000}k members, ${scale.ledgerEntries / 1000}k ledger entries, ${scale.orders / 1000}k orders; 12 months, median of ${RUNS}`;
    const figure = (name: string, ms: number): Figure => ({
      group: "reports",
      name,
      database: kind,
      value: round(ms, 0),
      unit: "ms",
      detail,
      ...(kind === "postgresql" ? { goal: GOAL_MS } : {}),
    });
    const db = scratch.prisma;
    const shop = { id: shopId, currencyCode: "EUR" };
    const program = defaultProgram();
    const goals: Goal[] = (["repeat_rate", "redemption_rate", "member_revenue_share"] as const).map((metric) => ({
      id: metric.replaceAll("_", "-"),
      metric,
      target: 3000,
      startsAt: new Date(now.getTime() - DAYS * 86_400_000).toISOString(),
      endsAt: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    }));
    const rollForward = await measure(() => pointsRollForward(db, shopId, range, now));
    const page = (name: string, work: () => Promise<unknown>) => measure(work).then((m) => figure(name, m.median));
    return [
      {
        ...figure("accounting roll-forward, first read", rollForward.first),
        goal: undefined,
        detail: `${detail}; the first read of a shop sums and keeps its closed months`,
      },
      figure("accounting roll-forward", rollForward.median),
      await page("breakage by cohort", () => breakageCohortSums(db, shopId)),
      await page("accounting page (roll-forward and breakage)", () =>
        Promise.all([pointsRollForward(db, shopId, range, now), breakageCohortSums(db, shopId)]),
      ),
      await page("ROI figures", () => roiFigures(db, shopId, range, now)),
      await page("program cost", () => programCost(db, shop, range)),
      await page("incrementality (pre/post)", () =>
        incrementalityEstimate(db, shopId, program.holdout, roiBounds(range, now), now),
      ),
      await page("ROI page (figures, cost, incrementality)", () =>
        Promise.all([
          roiFigures(db, shopId, range, now),
          programCost(db, shop, range),
          incrementalityEstimate(db, shopId, program.holdout, roiBounds(range, now), now),
        ]),
      ),
      await page("dashboard goals (3) and insights", () =>
        Promise.all([goalsProgress(db, shopId, goals, "EUR", now), programInsights(db, shopId, program, now)]),
      ),
    ];
  } finally {
    await scratch.drop();
  }
}
