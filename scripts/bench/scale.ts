// The scale path (PostgreSQL): two app instances and a job worker on one database. Every
// webhook delivery is sent twice at once, the duplicate to the other instance, as Shopify's
// retries and a load balancer can; redemptions go through both instances while the worker runs.
// Afterwards the ledger must show each order once and each code delivered once.
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { round, type Figure } from "./figures";
import { HTTP_BENCH_DEFAULTS, type HttpBenchOptions } from "./http";
import {
  benchDatabase,
  childEnv,
  describeRun,
  load,
  newAccessToken,
  ORDER_POINTS,
  orderDeliveries,
  percentile,
  progress,
  redemptionRequest,
  roundRobin,
  seedShop,
  SHOP,
  startApp,
  startDouble,
  startWorker,
  type AppProcess,
  type LoadResult,
  type RequestSpec,
} from "./harness";

const NONE = { op: "<=", value: 0 } as const;
const OUTBOX_TIMEOUT_MS = 120_000;

export async function runScalePath(options: HttpBenchOptions = {}): Promise<Figure[]> {
  const { seconds, connections, redemptions } = { ...HTTP_BENCH_DEFAULTS, ...options };
  const figures: Figure[] = [];
  const figure = (name: string, value: number, unit: string, detail: string, goal?: Figure["goal"]) =>
    figures.push({
      group: "scale path",
      name,
      database: "postgresql",
      value: round(value, unit === "ratio" ? 2 : 1),
      unit,
      detail,
      ...(goal ? { goal } : {}),
    });

  const database = await benchDatabase("postgresql");
  const accessToken = newAccessToken();
  const double = await startDouble(accessToken);
  const apps: AppProcess[] = [];
  let worker: { stop(): Promise<void> } | null = null;
  try {
    const seeded = await seedShop(database, { accessToken, buyers: 500, funded: 200, fundedPoints: 1_000_000 });
    const env = childEnv(database, double);
    apps.push(await startApp(env), await startApp(env));
    worker = await startWorker(env);
    progress("scale: 2 instances and a worker up; doubled webhook ingest");

    const ordersOf = new Map<number, number>(); // buyer → orders sent
    const feed = orderDeliveries(seeded.buyers, 2_000_000);
    const newDelivery = () => {
      const delivery = feed.next();
      ordersOf.set(delivery.buyer, (ordersOf.get(delivery.buyer) ?? 0) + 1);
      return delivery.request;
    };
    const [a, b] = [apps[0]!.url, apps[1]!.url];
    await duplicatedIngest([a, b], newDelivery, { connections, amount: 4 * connections }); // warm-up

    // The same doubled load on one instance, then split across two.
    const one = await duplicatedIngest([a, a], newDelivery, { connections, seconds });
    const two = await duplicatedIngest([a, b], newDelivery, { connections, seconds });
    const runDetail = (run: DuplicatedRun) =>
      `each delivery twice at once; ${run.runs.map((r) => describeRun(r, { connections: connections / 2 })).join(" + ")}`;
    figure(
      "ingest, 1 instance",
      one.deliveriesPerSecond,
      "deliveries/s",
      `unique orders/s, duplicates to the same instance; ${runDetail(one)}`,
    );
    figure(
      "ingest, 2 instances",
      two.deliveriesPerSecond,
      "deliveries/s",
      `unique orders/s, duplicate to the other instance; ${runDetail(two)}`,
    );
    figure(
      "2 instances / 1",
      two.deliveriesPerSecond / one.deliveriesPerSecond,
      "ratio",
      "2 cores shared by the load generator, both instances, the worker and PostgreSQL: little scaling expected",
    );
    figure("ingest p99, 2 instances", percentile(mergedLatencies(two.runs), 99), "ms", runDetail(two));
    const ingestFailures =
      [...one.runs, ...two.runs].reduce((sum, r) => sum + r.non2xx + r.errors, 0) + one.lateFailures + two.lateFailures;
    figure("ingest non-2xx responses", ingestFailures, "count", "both runs, originals and duplicates", NONE);

    progress("scale: redemptions through both instances");
    // Redemptions through both instances at once, while the worker runs every job.
    const redeemers = roundRobin(seeded.funded);
    const redeemed = await Promise.all(
      [a, b].map((url) =>
        load({
          url,
          connections: connections / 2,
          amount: Math.floor(redemptions / 4),
          next: () => redemptionRequest(redeemers()),
        }),
      ),
    );
    const created = redeemed.reduce((sum, r) => sum + (r.statuses["201"] ?? 0), 0);
    figure(
      "redemptions, 2 instances",
      redeemed.reduce((sum, r) => sum + r.rps, 0),
      "redemptions/s",
      redeemed.map((r) => describeRun(r, { connections: connections / 2 })).join(" + "),
    );

    const opened = database.open();
    try {
      const db = opened.prisma;
      const undelivered = () => db.outboxTask.count({ where: { topic: "create_discount", deliveredAt: null } });
      progress("scale: waiting for the worker to deliver every code, then checking");
      const deadline = Date.now() + OUTBOX_TIMEOUT_MS;
      while ((await undelivered()) > 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 250));
      await worker.stop();
      worker = null;

      const unique = feed.sent;
      const earns = await db.ledgerEntry.count({ where: { shopId: seeded.shopId, kind: "earn" } });
      figure(
        "double awards",
        earns - unique,
        "entries",
        `${earns} earn entries for ${unique} unique orders, each delivered twice`,
        NONE,
      );
      const members = await db.member.findMany({
        where: { shopId: seeded.shopId, shopifyCustomerId: { in: seeded.buyers.map(String) } },
        select: { shopifyCustomerId: true, balance: true },
      });
      const wrong = members.filter(
        (m) => Number(m.balance) !== ORDER_POINTS * (ordersOf.get(Number(m.shopifyCustomerId)) ?? 0),
      );
      figure(
        "balances ≠ order points",
        wrong.length,
        "members",
        `${members.length} buyers: balance = ${ORDER_POINTS} × their orders`,
        NONE,
      );
      figure(
        "ledger discrepancies",
        (await ledgerDiscrepancies(db, seeded.shopId)).length,
        "members",
        "cached balances vs ledger vs lots, every member",
        NONE,
      );

      const tasks = await db.outboxTask.findMany({
        where: { shopId: seeded.shopId, topic: "create_discount" },
        select: { deliveredAt: true },
      });
      const statuses = await db.redemption.groupBy({ by: ["status"], where: { shopId: seeded.shopId }, _count: true });
      const active = statuses.find((s) => s.status === "active")?._count ?? 0;
      const calls = codeCallOutcomes(double.callsTo("CreateBasicCode").map((call) => call.response));
      const codes = double.shop(SHOP).discounts.length;
      figure(
        "outbox tasks not delivered",
        tasks.filter((t) => !t.deliveredAt).length,
        "tasks",
        `${tasks.length} code tasks for ${created} redemptions (201); waited ≤ ${OUTBOX_TIMEOUT_MS / 1000} s for the worker`,
        NONE,
      );
      figure(
        "redemptions not active",
        created - active,
        "count",
        `${created} created, statuses ${statuses.map((s) => `${s.status}×${s._count}`).join(" ")}`,
        NONE,
      );
      const callDetail = `CreateBasicCode calls: ${Object.entries(calls)
        .map(([outcome, n]) => `${outcome}×${n}`)
        .join(" ")}; ${codes} codes in the double for ${created} redemptions`;
      figure("codes created beyond one each", codes - created, "codes", callDetail, NONE);
      // A second attempt at a code already made (TAKEN): the inline attempt and the worker raced for one task.
      figure("duplicate code attempts", calls.taken ?? 0, "calls", callDetail, NONE);
    } finally {
      await opened.close();
    }
  } finally {
    await worker?.stop();
    for (const app of apps) await app.stop();
    await double.close();
    await database.drop();
  }
  return figures;
}

interface DuplicatedRun {
  runs: LoadResult[];
  deliveriesPerSecond: number;
  /** Duplicates still waiting when the runs ended, sent afterwards, that were not 2xx. */
  lateFailures: number;
}

/**
 * Two autocannon runs side by side, one per URL, each with half the connections. A run that
 * makes a new delivery queues its exact copy (same webhook id and HMAC) for the other run,
 * which sends it next: every delivery arrives twice, the copies at nearly the same time.
 */
async function duplicatedIngest(
  urls: [string, string],
  newDelivery: () => RequestSpec,
  options: { connections: number; seconds?: number; amount?: number },
): Promise<DuplicatedRun> {
  const waiting: [RequestSpec[], RequestSpec[]] = [[], []];
  let unique = 0;
  const next = (side: 0 | 1) => () => {
    const copy = waiting[side].shift();
    if (copy) return copy;
    const delivery = newDelivery();
    unique++;
    waiting[1 - side]!.push(delivery);
    return delivery;
  };
  const runs = await Promise.all(
    urls.map((url, side) =>
      load({
        url,
        connections: options.connections / 2,
        seconds: options.seconds,
        amount: options.amount && options.amount / 2,
        next: next(side as 0 | 1),
      }),
    ),
  );
  let lateFailures = 0;
  for (const [side, copies] of waiting.entries()) {
    for (const copy of copies) {
      const response = await fetch(`${urls[side]}${copy.path}`, {
        method: copy.method,
        headers: copy.headers,
        body: copy.body,
      });
      if (!response.ok) lateFailures++;
    }
  }
  const seconds = Math.max(...runs.map((r) => r.seconds));
  return { runs, deliveriesPerSecond: unique / seconds, lateFailures };
}

/** What each CreateBasicCode call got: created, taken (the code existed), throttled or error. */
function codeCallOutcomes(responses: unknown[]): Record<string, number> {
  const outcomes: Record<string, number> = {};
  for (const response of responses) {
    const { errors, data } = response as {
      errors?: { extensions?: { code?: string } }[] | string;
      data?: { discountCodeBasicCreate?: { userErrors: { code?: string }[] } };
    };
    const outcome = errors
      ? Array.isArray(errors) && errors.some((e) => e.extensions?.code === "THROTTLED")
        ? "throttled"
        : "error"
      : data?.discountCodeBasicCreate?.userErrors.some((e) => e.code === "TAKEN")
        ? "taken"
        : "created";
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  return outcomes;
}

const mergedLatencies = (runs: LoadResult[]) => runs.flatMap((r) => r.latencies).sort((x, y) => x - y);
