// What the HTTP benches share: a throwaway database seeded with a shop, the built app and the job
// worker as child processes, the Admin API double, and autocannon runs that keep every latency.
import { randomBytes, randomUUID } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { openDatabase, type Database } from "~/db/database.server";
import { inTransaction } from "~/db/transaction.server";
import { adjustPoints } from "~/loyalty/members/adjustments.server";
import { defaultProgram } from "~/loyalty/program/program";
import { loadShop, saveProgram } from "~/loyalty/program/program.server";
import { ensureShop, offlineSessionId } from "~/shopify/shops.server";
import { AdminApiDouble } from "../../sandbox/admin-api-double";
import { appProxyQuery, webhookHmac } from "../../sandbox/signing";
import {
  API_VERSION,
  BROWSER_USER_AGENT,
  TEST_API_KEY,
  TEST_API_SECRET,
  TEST_SCOPES,
} from "../../test/support/constants";
import { createMigratedDatabase } from "../../test/support/database";
import { freePort, startProcess, type Started } from "../../test/support/process";
import { orderPayload } from "../../test/support/webhook-fixtures";
import { round, type DatabaseKind } from "./figures";

export const SHOP = "bench-shop.myshopify.com";
/** The default program's reward: 500 points for 5 off. */
export const REWARD = { id: "five-off", points: 500 };
/** Every bench order is one line of 100.00: 100 points under the default program. */
export const ORDER_POINTS = 100;

/**
 * The plan every bench shop has approved: with billing on (the default) shoppers see the program
 * only then. The cap is the highest choice, so no bench use is refused for it.
 */
const BENCH_PLAN = {
  id: (index: number) => `gid://shopify/AppSubscription/${index + 1}`,
  usageLineItemId: (index: number) => `gid://shopify/AppSubscriptionLineItem/${index + 1}?v=1&index=0`,
  cappedAmount: 250_000,
  periodMs: 30 * 86_400_000,
};

/** Where a long run is, on stderr (the figures go to stdout). */
export const progress = (message: string) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

export interface BenchDatabase {
  kind: DatabaseKind;
  /** DATABASE_URL or PGLITE_DATA_DIR for the app and the worker. */
  env: Record<string, string>;
  /** Opens it in this process (PGlite: only while no child has it open). */
  open(): Database;
  drop(): Promise<void>;
}

/** A fresh, migrated database: a throwaway one on the PostgreSQL server, or an on-disk PGlite. */
export async function benchDatabase(kind: DatabaseKind): Promise<BenchDatabase> {
  if (kind === "pglite") {
    const dir = mkdtempSync(path.join(tmpdir(), "tally-bench-"));
    const dataDir = path.join(dir, "pglite");
    return {
      kind,
      env: { PGLITE_DATA_DIR: dataDir, DATABASE_URL: "" },
      open: () => openDatabase({ pgliteDir: dataDir }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const { databaseUrl, drop } = await createMigratedDatabase(serverUrl, "tally_bench");
  return {
    kind,
    env: { DATABASE_URL: databaseUrl, PGLITE_DATA_DIR: "" },
    open: () => openDatabase({ databaseUrl }),
    drop,
  };
}

export interface SeededShop {
  shopId: string;
  /** Customers who are members with no points yet: the bench's orders are theirs. */
  buyers: number[];
  /** Members with `fundedPoints` each: they read their points and redeem. */
  funded: number[];
  fundedPoints: number;
  /** Storefront readers: shop and customer pairs over this shop and READ_SHOPS other shops with the same members. */
  storefrontReaders: { shop: string; customerId: number }[];
}

/**
 * App Proxy reads are limited per shop (1,250 per 5 s, docs/rate-limits.md); the bench's
 * saturating read spreads over this many shops so it measures the service, not the limiter.
 */
const READ_SHOPS = 4;

/**
 * Installs the bench shop as test/support/test-app.ts does (offline session row, the default
 * program with its reward saved) and creates its members, through the app's own services so the
 * ledger, the lots and the cached balances agree from the start.
 */
export async function seedShop(
  database: BenchDatabase,
  sizes: { accessToken: string; buyers: number; funded: number; fundedPoints: number },
): Promise<SeededShop> {
  const opened = database.open();
  try {
    await opened.ready;
    const db = opened.prisma;
    await db.session.create({
      data: {
        id: offlineSessionId(SHOP),
        shop: SHOP,
        state: "",
        isOnline: false,
        scope: TEST_SCOPES,
        accessToken: sizes.accessToken,
      },
    });
    const shop = await ensureShop(db, SHOP, TEST_SCOPES);
    const saved = await saveProgram(db, shop.id, defaultProgram());
    if (!saved.ok) throw new Error("the default program did not save");
    await approvePlan(db, shop.id, 0);
    const buyers = Array.from({ length: sizes.buyers }, (_, i) => 7_100_000_000 + i);
    const funded = Array.from({ length: sizes.funded }, (_, i) => 7_200_000_000 + i);
    await db.member.createMany({
      data: buyers.map((id) => ({ shopId: shop.id, shopifyCustomerId: String(id), email: `c${id}@example.com` })),
    });
    const loaded = await loadShop(db, shop.id);
    for (const id of funded) {
      await inTransaction(db, (tx) =>
        adjustPoints(tx, loaded, {
          customerId: String(id),
          points: sizes.fundedPoints,
          reason: "bench seed",
          staffId: null,
          requestKey: `seed:${id}`,
          now: new Date(),
        }),
      );
    }
    const readShops = [SHOP];
    for (let i = 1; i < READ_SHOPS; i++) {
      const domain = `bench-reads-${i}.myshopify.com`;
      await db.session.create({
        data: {
          id: offlineSessionId(domain),
          shop: domain,
          state: "",
          isOnline: false,
          scope: TEST_SCOPES,
          accessToken: sizes.accessToken,
        },
      });
      const other = await ensureShop(db, domain, TEST_SCOPES);
      if (!(await saveProgram(db, other.id, defaultProgram())).ok) throw new Error("the default program did not save");
      await approvePlan(db, other.id, i);
      await db.member.createMany({
        data: [...buyers, ...funded].map((id) => ({
          shopId: other.id,
          shopifyCustomerId: String(id),
          email: `c${id}@example.com`,
        })),
      });
      readShops.push(domain);
    }
    const storefrontReaders = [...buyers, ...funded].flatMap((customerId) =>
      readShops.map((shop) => ({ shop, customerId })),
    );
    return { shopId: shop.id, buyers, funded, fundedPoints: sizes.fundedPoints, storefrontReaders };
  } finally {
    await opened.close();
  }
}

/** The shop's subscription as Tally stores it once the merchant approved the plan (BENCH_PLAN). */
async function approvePlan(db: Database["prisma"], shopId: string, index: number) {
  await db.appSubscription.create({
    data: {
      id: BENCH_PLAN.id(index),
      shopId,
      name: "Tally — pay per reward used",
      status: "ACTIVE",
      test: false,
      usageLineItemId: BENCH_PLAN.usageLineItemId(index),
      currencyCode: "USD",
      cappedAmount: BigInt(BENCH_PLAN.cappedAmount),
      currentPeriodEnd: new Date(Date.now() + BENCH_PLAN.periodMs),
    },
  });
}

export const newAccessToken = () => `shpat_${randomBytes(16).toString("hex")}`;

/** The Admin API double with the bench shop on Shopify Plus (1000 points/s: codes are not rate-limited first). */
export async function startDouble(accessToken: string): Promise<AdminApiDouble> {
  const double = await AdminApiDouble.start();
  double.addShop({
    domain: SHOP,
    accessToken,
    name: "bench-shop",
    email: `owner@${SHOP}`,
    currencyCode: "EUR",
    ianaTimezone: "Europe/Paris",
    plan: "plus",
  });
  // The bench shop's approved plan as Shopify holds it: usage charges are recorded on it.
  double.shop(SHOP).subscriptions.push({
    id: BENCH_PLAN.id(0),
    name: "Tally — pay per reward used",
    status: "ACTIVE",
    test: false,
    returnUrl: "https://tally.bench/app/billing",
    createdAt: new Date().toISOString(),
    currentPeriodEnd: new Date(Date.now() + BENCH_PLAN.periodMs).toISOString(),
    usageLineItemId: BENCH_PLAN.usageLineItemId(0),
    currencyCode: "USD",
    terms: "bench",
    cappedAmount: BENCH_PLAN.cappedAmount,
    requestedCap: null,
    records: [],
  });
  return double;
}

/**
 * Environment for the app and the worker. NODE_ENV=test as in the tests: production refuses
 * SHOPIFY_ADMIN_API_ORIGIN, and redemptions create their code inline through it.
 */
export function childEnv(database: BenchDatabase, double: AdminApiDouble): Record<string, string> {
  return {
    NODE_ENV: "test",
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_API_SECRET,
    SHOPIFY_APP_URL: "https://tally.bench",
    SCOPES: TEST_SCOPES,
    SHOPIFY_ADMIN_API_ORIGIN: double.origin,
    TALLY_JOBS: "off",
    ...database.env,
  };
}

export interface AppProcess {
  url: string;
  stop(): Promise<void>;
}

/** Node flags for the app's and the one-shot workers' processes (BENCH_APP_NODE_ARGS). */
const benchNodeArgs = () => (process.env.BENCH_APP_NODE_ARGS ?? "").split(" ").filter(Boolean);

/**
 * `node server.ts` on a free port, in its own process so it does not share the load generator's
 * thread. BENCH_APP_NODE_ARGS adds Node flags, e.g. `--cpu-prof --cpu-prof-dir=prof` to profile
 * the app under the load (Node refuses --cpu-prof in NODE_OPTIONS).
 */
export async function startApp(env: Record<string, string>): Promise<AppProcess> {
  const port = await freePort();
  const child = await startProcess([...benchNodeArgs(), "server.ts"], {
    env: { ...env, HOST: "127.0.0.1", PORT: String(port) },
    ready: /server\.listening/,
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => stopChild(child, "app") };
}

/** The stack's floor (scripts/bench/bare-ingest.ts): HMAC check and the inbox's row, nothing else. */
export async function startBareServer(env: Record<string, string>): Promise<AppProcess> {
  const port = await freePort();
  const child = await startProcess(["node_modules/tsx/dist/cli.mjs", "scripts/bench/bare-ingest.ts"], {
    env: { ...env, PORT: String(port) },
    ready: /server\.listening/,
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => stopChild(child, "bare server") };
}

export async function startWorker(env: Record<string, string>): Promise<{ stop(): Promise<void> }> {
  const child = await startProcess(["node_modules/tsx/dist/cli.mjs", "scripts/bench/worker.ts", "loop"], {
    env,
    ready: /bench\.worker\.ready/,
  });
  return { stop: () => stopChild(child, "worker") };
}

/** `npm run worker` itself (scripts/worker.ts): the points jobs and the inbox's appliers, no HTTP. */
export async function startJobWorker(env: Record<string, string>): Promise<{ stop(): Promise<void> }> {
  const child = await startProcess(["node_modules/tsx/dist/cli.mjs", "scripts/worker.ts"], {
    env,
    ready: /worker\.started/,
  });
  return { stop: () => stopChild(child, "job worker") };
}

/** Runs the worker's inbox pass: every pending webhook delivery applied; returns how many and how long. */
export const applyPendingDeliveries = (env: Record<string, string>) =>
  runWorkerOnce<{ deliveries: number; parked: number; seconds: number }>(env, "inbox", "bench.applied");

/** Runs the worker's drain: every waiting discount code delivered; returns how many and how long. */
export const drainOutbox = (env: Record<string, string>) =>
  runWorkerOnce<{ codes: number; seconds: number; usage: number; usageSeconds: number }>(env, "drain", "bench.drained");

/** Runs one of the worker's one-shot modes and returns the JSON line it ends with. */
async function runWorkerOnce<Result>(env: Record<string, string>, mode: string, event: string): Promise<Result> {
  // tsx's loader in this process, not its CLI: the CLI runs the script in a child that Node flags
  // such as --cpu-prof would not reach.
  const child = await startProcess([...benchNodeArgs(), "--import", "tsx", "scripts/bench/worker.ts", mode], {
    env,
    ready: new RegExp(event.replace(".", "\\.")),
    timeoutMs: 600_000,
  });
  const line = child
    .output()
    .split("\n")
    .find((l) => l.includes(event))!;
  // It exits by itself once its database is closed (PGlite flushes its files then).
  const code = child.child.exitCode ?? ((await once(child.child, "exit")) as [number | null])[0];
  if (code !== 0) throw new Error(`worker ${mode} exited with ${code}:\n${child.output().slice(-4000)}`);
  return JSON.parse(line) as Result;
}

async function stopChild(child: Started, name: string) {
  const code = await child.stop("SIGTERM");
  if (code !== 0 && code !== null) throw new Error(`${name} exited with ${code}:\n${child.output().slice(-4000)}`);
}

export interface RequestSpec {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** A steady run keeps the latencies of tagged requests apart too (LoadResult.tagged). */
  tag?: string;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  non2xx: number;
  errors: number;
  /** Each response's latency in ms, sorted. */
  latencies: number[];
  /** The same, sorted, for each tag the requests carried (steadyLoad only). */
  tagged: Record<string, number[]>;
  statuses: Record<string, number>;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** Run for this long… */
  seconds?: number;
  /** …or until this many requests are answered. */
  amount?: number;
  /** Builds each request as it is sent, so each is new (ids, signature, timestamp). */
  next: () => RequestSpec;
}

/** One autocannon run; latencies are kept per response so any percentile is exact. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        // autocannon refuses an undefined duration or amount: pass only what is set.
        ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 10 }),
        timeout: 30,
        requests: [{ setupRequest: (request) => ({ ...request, ...options.next() }) }],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
  );
  return {
    requests: latencies.length,
    seconds: result.duration,
    rps: latencies.length / result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    latencies,
    tagged: {},
    statuses,
  };
}

/**
 * A fixed arrival rate, open loop: request i leaves at start + i / rate whatever the earlier ones
 * are doing, as shoppers and Shopify arrive. (autocannon's overallRate releases each second's
 * quota in a burst, so its latencies measure the burst's queue, not the service.) Up to
 * `connections` keep-alive sockets; a request beyond them waits for one, and that wait counts.
 */
export async function steadyLoad(options: {
  url: string;
  connections: number;
  rate: number;
  seconds: number;
  next: () => RequestSpec;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(options.url);
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  const tagged: Record<string, number[]> = {};
  const statuses: Record<string, number> = {};
  let non2xx = 0;
  let errors = 0;
  const send = (spec: RequestSpec) =>
    new Promise<void>((resolve) => {
      const sentAt = performance.now();
      const request = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: spec.method,
          path: spec.path,
          headers: spec.headers,
          agent,
          timeout: 30_000,
        },
        (response) => {
          response.resume();
          response.on("end", () => {
            const latency = performance.now() - sentAt;
            latencies.push(latency);
            if (spec.tag) (tagged[spec.tag] ??= []).push(latency);
            const status = String(response.statusCode);
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (!response.statusCode || response.statusCode >= 300) non2xx++;
            resolve();
          });
        },
      );
      request.on("error", () => {
        errors++;
        resolve();
      });
      request.end(spec.body);
    });
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send(options.next()));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  for (const list of Object.values(tagged)) list.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    non2xx,
    errors,
    latencies,
    tagged,
    statuses,
  };
}

export const percentile = (sorted: number[], p: number) =>
  sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!, 1) : Number.NaN;

/** "32 connections, 10.0 s, N=3120" and, when any, the statuses that were not 2xx. */
export function describeRun(run: LoadResult, options: { connections: number; rate?: number }) {
  const rate = options.rate ? `, target ${options.rate} req/s` : "";
  const other = Object.entries(run.statuses).filter(([code]) => !code.startsWith("2"));
  const failures =
    other.length || run.errors
      ? `; non-2xx ${other.map(([c, n]) => `${c}×${n}`).join(" ") || 0}, errors ${run.errors}`
      : "";
  return `${options.connections} connections, ${round(run.seconds, 1)} s, N=${run.requests}${rate}${failures}`;
}

/**
 * Signed `orders/paid` deliveries, each a new order of 100.00 for one of `buyers` in turn; given
 * a discount code, the order used it (5.00 off).
 */
export function orderDeliveries(buyers: number[], firstOrderId: number, shop = SHOP) {
  // Built and schema-checked once; each delivery changes only its ids.
  const template = orderPayload("orders/paid", {
    id: firstOrderId,
    customer: { id: buyers[0]!, email: "template@example.com" },
    lines: [{ price: "100.00" }],
  });
  const line = template.line_items[0]!;
  let sent = 0;
  return {
    /** The next new delivery: its order, its buyer, the webhook id and the request. */
    next(discountCode?: string) {
      const orderId = firstOrderId + sent;
      const buyer = buyers[sent++ % buyers.length]!;
      const payload = {
        ...template,
        id: orderId,
        admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
        email: `c${buyer}@example.com`,
        customer: {
          ...template.customer,
          id: buyer,
          email: `c${buyer}@example.com`,
          admin_graphql_api_id: `gid://shopify/Customer/${buyer}`,
        },
        line_items: [{ ...line, id: orderId * 10, admin_graphql_api_id: `gid://shopify/LineItem/${orderId * 10}` }],
        discount_codes: discountCode ? [{ code: discountCode, amount: "5.00", type: "fixed_amount" }] : [],
      };
      return { orderId, buyer, request: webhookRequest(JSON.stringify(payload), randomUUID(), shop) };
    },
    get sent() {
      return sent;
    },
  };
}

/** An `orders/paid` request as Shopify sends it (HMAC of this body). */
export function webhookRequest(body: string, webhookId: string, shop = SHOP): RequestSpec {
  return {
    method: "POST",
    path: "/webhooks/orders/paid",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": "orders/paid",
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Hmac-Sha256": webhookHmac(body, TEST_API_SECRET),
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Event-Id": randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-API-Version": API_VERSION,
    },
  };
}

/** A storefront request through the App Proxy, signed now (Shopify allows 90 s). */
export function proxyRequest(
  method: "GET" | "POST",
  path: string,
  customerId: number,
  body?: unknown,
  headers: Record<string, string> = {},
  shop = SHOP,
): RequestSpec {
  return {
    method,
    path: `/proxy${path}?${appProxyQuery({ shop, customerId }, TEST_API_SECRET)}`,
    headers: {
      "User-Agent": BROWSER_USER_AGENT,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}

/** POST /proxy/redemptions of the reward, under a new Idempotency-Key. */
export const redemptionRequest = (customerId: number) =>
  proxyRequest("POST", "/redemptions", customerId, { rewardId: REWARD.id }, { "Idempotency-Key": randomUUID() });

/** Takes the members in turn. */
export function roundRobin<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}
