// The HTTP bench for one database kind: the built app in a child process under autocannon —
// webhook ingest against the database's own insert limit, storefront and checkout reads,
// redemptions and the outbox that creates their codes.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import pg from "pg";
import { STORE_DELIVERY_SQL, storeDeliveryParams } from "~/db/inbox.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { mintSessionToken } from "../../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "../../test/support/constants";
import { round, type DatabaseKind, type Figure } from "./figures";
import {
  benchDatabase,
  childEnv,
  describeRun,
  applyPendingDeliveries,
  drainOutbox,
  load,
  newAccessToken,
  orderDeliveries,
  percentile,
  progress,
  proxyRequest,
  redemptionRequest,
  steadyLoad,
  roundRobin,
  webhookRequest,
  seedShop,
  SHOP,
  startApp,
  startBareServer,
  startDouble,
  startJobWorker,
  type BenchDatabase,
  type LoadResult,
} from "./harness";

export interface HttpBenchOptions {
  /** Length of each timed run. */
  seconds?: number;
  /** Concurrent connections of each run (and of the raw inserts on PostgreSQL). */
  connections?: number;
  /** The fixed-rate webhook run's rate. */
  rate?: number;
  /** Redemptions with the Admin API up; keep under the Plus bucket's burst (about 1,800 codes). */
  redemptions?: number;
  /** Redemptions made while the Admin API fails: their codes wait in the outbox. */
  queuedRedemptions?: number;
  /** Orders of the usage-charge run, half of them using a redemption's code (at most `redemptions` / 2). */
  usageOrders?: number;
  /** Their steady rate: below both databases' saturation, so latency is the service's own. */
  usageRate?: number;
}

export const HTTP_BENCH_DEFAULTS: Required<HttpBenchOptions> = {
  seconds: 10,
  connections: 32,
  rate: 200,
  redemptions: 1000,
  queuedRedemptions: 300,
  usageOrders: 300,
  usageRate: 30,
};

const MS_50 = { op: "<=", value: 50 } as const;
const NONE = { op: "<=", value: 0 } as const;
/** An order that used a reward code may cost a little more (the code marked used, the charge queued); not much more. */
const RATIO_P50 = { op: "<=", value: 1.25 } as const;
const RATIO_P99 = { op: "<=", value: 1.5 } as const;

export async function runHttpBench(kind: DatabaseKind, options: HttpBenchOptions = {}): Promise<Figure[]> {
  const { seconds, connections, rate, redemptions, queuedRedemptions, usageOrders, usageRate } = {
    ...HTTP_BENCH_DEFAULTS,
    ...options,
  };
  const figures: Figure[] = [];
  const figure = (group: string, name: string, value: number, unit: string, detail: string, goal?: Figure["goal"]) =>
    figures.push({
      group,
      name,
      database: kind,
      value: round(value, unit === "ratio" ? 2 : 1),
      unit,
      detail,
      ...(goal ? { goal } : {}),
    });
  const latencyFigures = (
    group: string,
    run: LoadResult,
    detail: string,
    percentiles: number[],
    goals: Record<number, Figure["goal"]> = {},
  ) => {
    figure(group, "throughput", run.rps, "req/s", detail);
    for (const p of percentiles) figure(group, `p${p} latency`, percentile(run.latencies, p), "ms", detail, goals[p]);
  };
  const steadyReadFigure = (group: string, run: LoadResult, at: { connections: number; rate: number }) =>
    figure(
      group,
      `p95 latency at ${at.rate} req/s`,
      percentile(run.latencies, 95),
      "ms",
      `achieved ${round(run.rps, 1)} req/s; ${describeRun(run, at)}`,
      MS_50,
    );

  // PGlite admits one process at a time: the shop is seeded from here before the app opens it.
  const database = await benchDatabase(kind);
  const accessToken = newAccessToken();
  const double = await startDouble(accessToken);
  try {
    const seeded = await seedShop(database, { accessToken, buyers: 500, funded: 400, fundedPoints: 1_000_000 });
    const env = childEnv(database, double);
    const orders = orderDeliveries(seeded.buyers, 1_000_000);
    const newOrder = () => orders.next().request;
    /** New orders at a steady `rate` after a warm-up; returns the run and the webhook ids it sent. */
    const steadyIngest = async (at: { url: string; connections: number }) => {
      await load({ ...at, amount: 4 * connections, next: newOrder });
      const webhookIds: string[] = [];
      const buyers: number[] = [];
      const steady = await steadyLoad({
        ...at,
        seconds,
        rate,
        next: () => {
          const { buyer, request } = orders.next();
          webhookIds.push(request.headers["X-Shopify-Webhook-Id"]!);
          buyers.push(buyer);
          return request;
        },
      });
      return { steady, webhookIds, lastBuyers: [...new Set(buyers.slice(-20))] };
    };
    const body = orders.next().request.body!;

    // Ingest: how fast deliveries are accepted (authenticated, checked, stored in the inbox, 200),
    // this app's applier off so the run measures acceptance alone; the applier's own throughput next.
    progress(`${kind}: webhook ingest (accepting)`);
    let ingest: LoadResult;
    const storing = await startApp({ ...env, TALLY_INBOX_APPLIER: "off" });
    try {
      const at = { url: storing.url, connections };
      await load({ ...at, amount: 4 * connections, next: newOrder }); // warm-up: JIT, pool, caches
      ingest = await load({ ...at, seconds, next: newOrder });
      latencyFigures(
        "webhook ingest",
        ingest,
        `orders/paid (${round(body.length / 1024, 1)} KB, each a new order) accepted into the inbox; ${describeRun(ingest, at)}`,
        [50, 99],
      );
    } finally {
      await storing.stop();
    }
    progress(`${kind}: applying the inbox`);
    const applied = await applyPendingDeliveries(env);
    figure(
      "webhook ingest",
      "apply throughput",
      applied.deliveries / applied.seconds,
      "deliveries/s",
      `a worker process's appliers as the app runs them (PostgreSQL: 4, batches of 100; PGlite: 1, batches of 10), one transaction a batch: ${applied.deliveries} deliveries in ${round(applied.seconds, 2)} s, ${applied.parked} parked`,
      { op: ">=", value: 1000 },
    );

    const app = await startApp(env);
    progress(`${kind}: app at ${app.url}; steady ingest and apply lag`);
    let usageCodes = 0;
    let steadyWebhookIds: string[] = [];
    try {
      const at = { url: app.url, connections };
      const { steady, webhookIds, lastBuyers } = await steadyIngest(at);
      steadyWebhookIds = webhookIds;
      figure(
        "webhook ingest",
        `p99 latency at ${rate} req/s`,
        percentile(steady.latencies, 99),
        "ms",
        `achieved ${round(steady.rps, 1)} req/s, the app's applier on; ${describeRun(steady, { ...at, rate })}`,
        MS_50,
      );
      figure(
        "webhook ingest",
        "non-2xx responses",
        ingest.non2xx + ingest.errors + steady.non2xx + steady.errors,
        "count",
        `both runs, N=${ingest.requests + steady.requests}`,
        NONE,
      );

      // The burst's last buyers see their points: the backlog is applied. The reads that follow
      // then measure themselves, not the appliers still catching up beside them.
      const settled = await untilPointsShown(app.url, lastBuyers);
      figure(
        "apply lag",
        "last buyers' points shown",
        settled.seconds,
        "s",
        `after the ${rate} req/s run ended, until the ${lastBuyers.length} buyers of its last 20 orders read no points processing (GET /proxy/member)${settled.timedOut ? "; timed out" : ""}`,
      );

      progress(`${kind}: storefront and checkout reads`);
      // Reads: every member in turn, buyers (with orders now) and funded members alike, spread
      // over several shops so no shop passes its App Proxy read limit.
      const readers = roundRobin(seeded.storefrontReaders);
      const storefrontRead = () => {
        const { shop, customerId } = readers();
        return proxyRequest("GET", "/member", customerId, undefined, {}, shop);
      };
      await load({ ...at, amount: 4 * connections, next: storefrontRead });
      const storefront = await load({ ...at, seconds, next: storefrontRead });
      const readShops = new Set(seeded.storefrontReaders.map((reader) => reader.shop)).size;
      latencyFigures(
        "storefront read",
        storefront,
        `GET /proxy/member, App Proxy signed per request, ${seeded.buyers.length + seeded.funded.length} members in each of ${readShops} shops; ${describeRun(storefront, at)}`,
        [50, 95, 99],
        { 95: MS_50 },
      );
      // At saturation latency is only queueing (connections / throughput); at a steady rate it is the service's own.
      const steadyStorefront = await steadyLoad({ ...at, seconds, rate, next: storefrontRead });
      steadyReadFigure("storefront read", steadyStorefront, { ...at, rate });
      figure(
        "storefront read",
        "non-2xx responses",
        storefront.non2xx + storefront.errors + steadyStorefront.non2xx + steadyStorefront.errors,
        "count",
        `both runs, N=${storefront.requests + steadyStorefront.requests} (a 429 here would be the limiter measured, not the service)`,
        NONE,
      );

      // Extensions hold their session token until it expires: one per member, minted beforehand.
      const tokens = await Promise.all(
        [...seeded.buyers, ...seeded.funded].map((id) =>
          mintSessionToken({
            shop: SHOP,
            apiKey: TEST_API_KEY,
            apiSecret: TEST_API_SECRET,
            subject: `gid://shopify/Customer/${id}`,
            ttlSeconds: 600,
          }),
        ),
      );
      const token = roundRobin(tokens);
      const extensionRequest = () => ({
        method: "GET" as const,
        path: "/api/extension/member",
        headers: {
          Authorization: `Bearer ${token()}`,
          Origin: "https://extensions.shopifycdn.com",
          "User-Agent": BROWSER_USER_AGENT,
        },
      });
      await load({ ...at, amount: 4 * connections, next: extensionRequest });
      const checkout = await load({ ...at, seconds, next: extensionRequest });
      latencyFigures(
        "checkout read",
        checkout,
        `GET /api/extension/member, session token per member; ${describeRun(checkout, at)}`,
        [50, 95, 99],
        { 95: MS_50 },
      );
      steadyReadFigure("checkout read", await steadyLoad({ ...at, seconds, rate, next: extensionRequest }), {
        ...at,
        rate,
      });

      progress(`${kind}: redemptions`);
      // Redemptions: the app debits and tries the code once inline (the Admin API double is up).
      const redeemers = roundRobin(seeded.funded);
      const redeemed = await load({ ...at, amount: redemptions, next: () => redemptionRequest(redeemers()) });
      figure(
        "redemption",
        "redemptions",
        redeemed.rps,
        "redemptions/s",
        `POST /proxy/redemptions, new Idempotency-Key each, code created inline; ${describeRun(redeemed, at)}`,
      );
      figure("redemption", "p99 latency", percentile(redeemed.latencies, 99), "ms", describeRun(redeemed, at));

      // While the Admin API fails, redemptions still succeed; their codes wait in the outbox.
      double.failNext(
        { kind: "http", status: 503 },
        { operationName: "CreateBasicCode", times: Number.MAX_SAFE_INTEGER },
      );
      const queued = await load({ ...at, amount: queuedRedemptions, next: () => redemptionRequest(redeemers()) });
      double.reset();
      figure(
        "redemption",
        "non-2xx responses",
        redeemed.non2xx + redeemed.errors + queued.non2xx + queued.errors,
        "count",
        `N=${redeemed.requests + queued.requests}, of which ${queued.requests} during an Admin API outage (503)`,
        NONE,
      );

      progress(`${kind}: orders using a reward code (usage charges)`);
      // Billing on, the plan active: an order that uses a reward's code queues its usage charge in
      // the order's transaction; the Admin API records it later, from the outbox. Orders with and
      // without a code alternate in one steady run, so both meet the same database and moment.
      const codes = double
        .shop(SHOP)
        .discounts.slice(0, Math.floor(usageOrders / 2))
        .map((discount) => discount.code);
      let sent = 0;
      const mixedOrder = () => {
        const code = sent++ % 2 ? codes.pop() : undefined;
        return { ...orders.next(code).request, tag: code ? "code" : "none" };
      };
      const recordsBefore = double.callsTo("RecordUsage").length;
      const usage = await steadyLoad({
        ...at,
        seconds: (2 * codes.length) / usageRate,
        rate: usageRate,
        next: mixedOrder,
      });
      usageCodes = usage.tagged.code?.length ?? 0;
      const withCode = usage.tagged.code ?? [];
      const without = usage.tagged.none ?? [];
      const usageDetail = `${withCode.length} orders with a code, ${without.length} without, alternating; ${describeRun(usage, { ...at, rate: usageRate })}`;
      for (const p of [50, 99]) {
        const [used, plain] = [percentile(withCode, p), percentile(without, p)];
        figure("usage charge", `orders/paid p${p}, with a reward code`, used, "ms", usageDetail);
        figure("usage charge", `orders/paid p${p}, without a code`, plain, "ms", usageDetail);
        figure(
          "usage charge",
          `p${p} with a code / without`,
          used / plain,
          "ratio",
          `${used} ms over ${plain} ms`,
          p === 50 ? RATIO_P50 : RATIO_P99,
        );
      }
      figure(
        "usage charge",
        "usage records during the webhooks",
        double.callsTo("RecordUsage").length - recordsBefore,
        "calls",
        "appUsageRecordCreate calls the double answered while the orders were delivered: the outbox makes them",
        NONE,
      );
      figure("usage charge", "non-2xx responses", usage.non2xx + usage.errors, "count", `N=${usage.requests}`, NONE);
    } finally {
      await app.stop();
    }

    // The outbox, after the app has stopped (PGlite admits one process at a time): the worker
    // delivers every waiting code to the double.
    progress(`${kind}: outbox drain`);
    const drained = await drainOutbox(env);
    figure(
      "outbox",
      "codes created",
      drained.codes / drained.seconds,
      "codes/s",
      `worker drain (deliverOutbox passes of 100), ${drained.codes} codes in ${round(drained.seconds, 2)} s`,
    );
    figure(
      "usage charge",
      "usage charges recorded by the outbox",
      drained.usage,
      "charges",
      `worker drain (recordUsageCharges passes of 100) after the app stopped, ${round(drained.usageSeconds, 2)} s; one per order that used a code`,
      { op: ">=", value: usageCodes },
    );

    const opened = database.open();
    try {
      await opened.ready;
      const db = opened.prisma;
      const byStatus = await db.redemption.groupBy({ by: ["status"], _count: true });
      const total = byStatus.reduce((sum, row) => sum + row._count, 0);
      const active = byStatus.find((row) => row.status === "active")?._count ?? 0;
      const used = byStatus.find((row) => row.status === "used")?._count ?? 0;
      const codes = double.shop(SHOP).discounts.length;
      figure(
        "outbox",
        "redemptions neither active nor used",
        total - active - used,
        "count",
        `${total} redemptions, ${active} active, ${used} used on an order, ${codes} codes in the double`,
        NONE,
      );
      figure(
        "outbox",
        "ledger discrepancies",
        (await ledgerDiscrepancies(db, seeded.shopId)).length,
        "members",
        "cached balances vs ledger vs lots, after all runs",
        NONE,
      );

      const lag = await applyLag(db, steadyWebhookIds);
      const lagDetail = `stored → applied (ledger entry committed) for the ${rate} req/s run's ${lag!.applied} of ${steadyWebhookIds.length} deliveries, the app's own applier, woken on each`;
      figure("apply lag", "p50", Number(lag!.p50 ?? NaN), "ms", lagDetail);
      figure("apply lag", "p99", Number(lag!.p99 ?? NaN), "ms", lagDetail, { op: "<=", value: 1000 });
    } finally {
      await opened.close();
    }

    // The honest baseline and the stack's floor, on the same database after the app stopped, with
    // the same body: the inbox's own row from a bare client, and a bare HTTP server that checks the
    // HMAC and writes that row. Ingest is held to both.
    progress(`${kind}: raw inbox inserts and the bare server`);
    const baselineStarted = new Date();
    const raw = await rawInboxInserts(database, { body, seconds: Math.max(5, seconds / 2), concurrency: connections });
    const rawDetail =
      kind === "postgresql"
        ? `pg Pool of ${connections}, autocommit INSERTs of the inbox's row with the ${round(body.length / 1024, 1)} KB body for ${raw.seconds} s (${raw.rows} rows)`
        : `the inbox's row with the ${round(body.length / 1024, 1)} KB body, one statement each, in this process, for ${raw.seconds} s (${raw.rows} rows)`;
    figure("raw limit", "inbox rows inserted", raw.rowsPerSecond, "rows/s", rawDetail);
    const bare = await startBareServer(env);
    let floor: LoadResult;
    try {
      const at = { url: bare.url, connections };
      const toBare = () => ({ ...webhookRequest(body, randomUUID()), path: "/" });
      await load({ ...at, amount: 4 * connections, next: toBare });
      floor = await load({ ...at, seconds, next: toBare });
    } finally {
      await bare.stop();
    }
    figure(
      "raw limit",
      "bare server (HMAC + inbox row)",
      floor.rps,
      "req/s",
      `node:http, HMAC check and the inbox's INSERT, pool of 10; ${describeRun(floor, { connections })}, non-2xx ${floor.non2xx + floor.errors}`,
    );
    figure(
      "raw limit",
      "ingest / raw",
      ingest.rps / raw.rowsPerSecond,
      "ratio",
      `webhook ingest ${round(ingest.rps, 1)} req/s over raw ${round(raw.rowsPerSecond, 1)} rows/s`,
      { op: ">=", value: 0.5 },
    );
    figure(
      "raw limit",
      "ingest / bare server",
      ingest.rps / floor.rps,
      "ratio",
      `webhook ingest ${round(ingest.rps, 1)} req/s over the bare server's ${round(floor.rps, 1)} req/s`,
      { op: ">=", value: 0.7 },
    );

    // The large store's layout (docs/deployment.md): web instances only accept, a worker process
    // (`npm run worker`) applies. PostgreSQL only: PGlite is one process's database.
    if (kind === "postgresql") {
      progress(`${kind}: steady ingest with a worker applying`);
      // The baselines' rows are the inbox's shape but no one's deliveries: not for the worker to apply.
      const cleared = database.open();
      try {
        await cleared.prisma.$executeRaw`DELETE FROM "WebhookDelivery" WHERE "receivedAt" >= ${baselineStarted}`;
      } finally {
        await cleared.close();
      }
      const worker = await startJobWorker(env);
      const accepting = await startApp({ ...env, TALLY_INBOX_APPLIER: "off" });
      try {
        const at = { url: accepting.url, connections };
        const { steady, webhookIds: workerWebhookIds } = await steadyIngest(at);
        figure(
          "worker applies",
          `p99 latency at ${rate} req/s`,
          percentile(steady.latencies, 99),
          "ms",
          `achieved ${round(steady.rps, 1)} req/s, the app's applier off, one npm run worker applying; ${describeRun(steady, { ...at, rate })}, non-2xx ${steady.non2xx + steady.errors}`,
          MS_50,
        );
        const opened = database.open();
        try {
          const lag = await waitForApplied(opened, workerWebhookIds);
          const detail = `stored → applied for the ${rate} req/s run's ${lag.applied} of ${workerWebhookIds.length} deliveries, by the worker's appliers (4), woken by NOTIFY`;
          figure("worker applies", "apply lag p50", Number(lag.p50 ?? NaN), "ms", detail);
          figure("worker applies", "apply lag p99", Number(lag.p99 ?? NaN), "ms", detail, { op: "<=", value: 1000 });
        } finally {
          await opened.close();
        }
      } finally {
        await accepting.stop();
        await worker.stop();
      }
    }
  } finally {
    await double.close();
    await database.drop();
  }
  return figures;
}

/** Seconds until none of these buyers' member reads says points are processing (at most two minutes). */
async function untilPointsShown(appUrl: string, buyers: number[]) {
  const started = Date.now();
  const processing = async (buyer: number) => {
    const read = proxyRequest("GET", "/member", buyer);
    const response = await fetch(appUrl + read.path, { headers: read.headers });
    if (!response.ok) return true;
    return ((await response.json()) as { points: { processing: boolean } }).points.processing;
  };
  let waiting = buyers;
  while (waiting.length && Date.now() - started < 120_000) {
    const still = await Promise.all(waiting.map(processing));
    waiting = waiting.filter((_, i) => still[i]);
    if (waiting.length) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { seconds: round((Date.now() - started) / 1000, 1), timedOut: waiting.length > 0 };
}

/** The deliveries' apply lag once all are applied (or after a minute, those that were). */
async function waitForApplied(opened: ReturnType<BenchDatabase["open"]>, webhookIds: string[]) {
  await opened.ready;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const lag = await applyLag(opened.prisma, webhookIds);
    if (lag.applied >= webhookIds.length || Date.now() > deadline) return lag;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Stored → applied (`appliedAt − receivedAt`) of these deliveries, in ms, where applied. */
async function applyLag(db: PrismaClient, webhookIds: string[]) {
  const [lag] = await db.$queryRaw<{ p50: number | null; p99: number | null; applied: number }[]>`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99,
           count(*)::int AS applied
      FROM (SELECT extract(epoch FROM "appliedAt" - "receivedAt") * 1000 AS ms FROM "WebhookDelivery"
             WHERE "webhookId" = ANY(${webhookIds}) AND "appliedAt" IS NOT NULL) lags`;
  return lag!;
}

/**
 * Rows/s of the bare database writing the inbox's row (payload included), one autocommit statement
 * each, for `seconds`: PostgreSQL from a pool of `concurrency`, PGlite sequentially (one backend).
 */
async function rawInboxInserts(
  database: BenchDatabase,
  input: { body: string; seconds: number; concurrency: number },
): Promise<{ rowsPerSecond: number; rows: number; seconds: number }> {
  const params = () =>
    storeDeliveryParams({
      shopDomain: SHOP,
      webhookId: `bench-raw-${randomUUID()}`,
      eventId: null,
      topic: "orders/paid",
      apiVersion: null,
      triggeredAt: null,
      body: input.body,
      orderingKey: null,
    });
  if (database.kind === "postgresql") {
    const pool = new pg.Pool({ connectionString: database.env.DATABASE_URL, max: input.concurrency });
    // The scratch database is dropped WITH (FORCE) next: a connection still closing must not crash the bench.
    pool.on("error", () => {});
    try {
      // Connected before the clock starts, as the app's pool is after its warm-up.
      const clients = await Promise.all(Array.from({ length: input.concurrency }, () => pool.connect()));
      clients.forEach((client) => client.release());
      return await insertFor(input.seconds, input.concurrency, () => pool.query(STORE_DELIVERY_SQL, params()));
    } finally {
      await pool.end();
    }
  }
  const opened = database.open();
  try {
    await opened.ready;
    return await opened.withSqlRunner((runner) =>
      insertFor(input.seconds, 1, () => runner.query(STORE_DELIVERY_SQL, params())),
    );
  } finally {
    await opened.close();
  }
}

/** Runs `insert` back to back in `lanes` parallel lanes for `seconds`; rows per second. */
async function insertFor(seconds: number, lanes: number, insert: () => Promise<unknown>) {
  let rows = 0;
  const from = performance.now();
  const until = from + seconds * 1000;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (performance.now() < until) {
        await insert();
        rows++;
      }
    }),
  );
  const elapsed = (performance.now() - from) / 1000;
  return { rowsPerSecond: rows / elapsed, rows, seconds: round(elapsed, 1) };
}
