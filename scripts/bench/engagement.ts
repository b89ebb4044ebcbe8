// What challenges cost orders/paid ingest: orders for a shop whose program has no challenges and
// for a shop with a program of challenges and milestones (the same members, the same app and
// database) alternate in one steady run, so both meet the same moment; the ratio of their
// latencies is held to 1.10 (docs/engagement.md).
import { programSchema, type Program } from "~/loyalty/program/program";
import { loadShop, saveProgram } from "~/loyalty/program/program.server";
import { round, type DatabaseKind, type Figure } from "./figures";
import {
  benchDatabase,
  childEnv,
  describeRun,
  load,
  newAccessToken,
  orderDeliveries,
  percentile,
  progress,
  seedShop,
  startApp,
  startDouble,
  steadyLoad,
} from "./harness";

/** seedShop's second shop: the same members as the bench shop, its own program. */
const CHALLENGE_SHOP = "bench-reads-1.myshopify.com";
const RATIO = { op: "<=", value: 1.1 } as const;

/** A program of the kind a merchant runs: six challenges of every goal type, three milestones, a leaderboard. */
function withChallenges(program: Program): Program {
  const challenge = (id: string, goal: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    id,
    name: id,
    goal,
    reward: { type: "points", points: 100 },
    badge: "trophy",
    ...extra,
  });
  return programSchema.parse({
    ...program,
    engagement: {
      challenges: [
        challenge("come-back", { type: "orders", count: 2, withinDays: 30 }),
        challenge("big-spender", { type: "spend", amount: 500, withinDays: 90 }),
        challenge("three-months", { type: "streak", period: "month", count: 3 }),
        challenge("weekly", { type: "streak", period: "week", count: 4 }, { repeatable: true }),
        challenge("fan", { type: "products", productIds: ["632910392"], count: 3 }),
        challenge("reviewer", { type: "actions", actionKey: null, count: 2 }),
      ],
      milestones: [
        { id: "first", name: "First order", metric: "orders", threshold: 1, badge: "star" },
        { id: "thousand", name: "1,000 points", metric: "lifetime_points", threshold: 1000, badge: "diamond" },
        { id: "year", name: "A year with us", metric: "membership_years", threshold: 1, badge: "heart" },
      ],
      leaderboard: { enabled: true, size: 10 },
    },
  });
}

export async function runEngagementBench(
  kind: DatabaseKind,
  options: { seconds?: number; rate?: number; connections?: number } = {},
): Promise<Figure[]> {
  const { seconds = 20, rate = 30, connections = 32 } = options;
  const figures: Figure[] = [];
  const figure = (name: string, value: number, unit: string, detail: string, goal?: Figure["goal"]) =>
    figures.push({
      group: "challenges",
      name,
      database: kind,
      value: round(value, unit === "ratio" ? 2 : 1),
      unit,
      detail,
      ...(goal ? { goal } : {}),
    });
  const database = await benchDatabase(kind);
  const accessToken = newAccessToken();
  const double = await startDouble(accessToken);
  try {
    const seeded = await seedShop(database, { accessToken, buyers: 300, funded: 1, fundedPoints: 1 });
    const opened = database.open();
    try {
      await opened.ready;
      const shop = await opened.prisma.shop.findUniqueOrThrow({ where: { domain: CHALLENGE_SHOP } });
      const loaded = await loadShop(opened.prisma, shop.id);
      const saved = await saveProgram(opened.prisma, shop.id, withChallenges(loaded.program));
      if (!saved.ok) throw new Error("the program of challenges did not save");
    } finally {
      await opened.close();
    }
    const app = await startApp(childEnv(database, double));
    try {
      progress(`${kind}: orders/paid with and without challenges`);
      const plain = orderDeliveries(seeded.buyers, 3_000_000);
      const challenged = orderDeliveries(seeded.buyers, 4_000_000, CHALLENGE_SHOP);
      let sent = 0;
      const next = () =>
        sent++ % 2 ? { ...challenged.next().request, tag: "challenges" } : { ...plain.next().request, tag: "none" };
      const at = { url: app.url, connections };
      await load({ ...at, amount: 4 * connections, next }); // warm-up: JIT, pool, caches
      const run = await steadyLoad({ ...at, seconds, rate, next });
      const withChallenges = run.tagged.challenges ?? [];
      const without = run.tagged.none ?? [];
      const detail = `${withChallenges.length} orders to a shop with 6 challenges and 3 milestones, ${without.length} to one without, alternating; ${describeRun(run, { ...at, rate })}`;
      for (const p of [50, 99]) {
        const [engaged, bare] = [percentile(withChallenges, p), percentile(without, p)];
        figure(`orders/paid p${p}, with challenges`, engaged, "ms", detail);
        figure(`orders/paid p${p}, without`, bare, "ms", detail);
        figure(
          `p${p} with challenges / without`,
          engaged / bare,
          "ratio",
          `${engaged} ms over ${bare} ms`,
          p === 50 ? RATIO : undefined,
        );
      }
      figure("non-2xx responses", run.non2xx + run.errors, "count", `N=${run.requests}`, { op: "<=", value: 0 });
    } finally {
      await app.stop();
    }
  } finally {
    await double.close();
    await database.drop();
  }
  return figures;
}
