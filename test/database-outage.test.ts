// The production server (server.ts, a real process) against a database that goes away: the
// process stays up, requests during the outage answer 503 with Retry-After (Shopify
// redelivers), and what was redelivered afterwards is awarded exactly once.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { openDatabase, type Database } from "~/db/database.server";
import { migrate, readMigrations } from "~/db/migrate.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { AdminApiDouble } from "../sandbox/admin-api-double";
import { signedWebhookRequest } from "../sandbox/signing";
import { createMigratedDatabase } from "./support/database";
import { API_VERSION, BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES } from "./support/constants";
import { freePort, startProcess, type Started } from "./support/process";
import { orderPayload } from "./support/webhook-fixtures";

const SERVER_URL = process.env.TEST_DATABASE_URL;
const SHOP = "outage-shop.myshopify.com";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let double: AdminApiDouble;
beforeAll(async () => {
  double = await AdminApiDouble.start();
});
afterAll(() => double?.close());

async function startServer(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ server: Started; url: string }> {
  const port = await freePort();
  const server = await startProcess(["server.ts"], {
    env: {
      HOST: "127.0.0.1",
      PORT: String(port),
      NODE_ENV: "test",
      DATABASE_URL: databaseUrl,
      PGLITE_DATA_DIR: "",
      SHOPIFY_API_KEY: TEST_API_KEY,
      SHOPIFY_API_SECRET: TEST_API_SECRET,
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
      SCOPES: TEST_SCOPES,
      SHOPIFY_ADMIN_API_ORIGIN: double.origin,
      TALLY_JOBS: "off",
      ...env,
    },
    ready: /server\.listening/,
  });
  return { server, url: `http://127.0.0.1:${port}` };
}

const health = async (url: string) => {
  const response = await fetch(`${url}/healthz`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

function deliver(url: string, delivery: { webhookId: string; payload: unknown }) {
  const request = signedWebhookRequest(
    `${url}/webhooks/orders/paid`,
    {
      topic: "orders/paid",
      shop: SHOP,
      payload: delivery.payload,
      apiVersion: API_VERSION,
      webhookId: delivery.webhookId,
    },
    TEST_API_SECRET,
  );
  return fetch(request.url, request.init);
}

describe("the database is unreachable", () => {
  it("the server starts and stays up, /healthz answers 503 and a webhook answers 503 with Retry-After", async () => {
    const closedPort = await freePort();
    const { server, url } = await startServer(`postgresql://postgres@127.0.0.1:${closedPort}/tally`);
    try {
      expect(await health(url)).toEqual({ status: 503, body: { ok: false, reason: "unreachable" } });
      const response = await deliver(url, {
        webhookId: "unreachable-1",
        payload: orderPayload("orders/paid", {
          id: 1,
          customer: { id: 1, email: "a@example.com" },
          lines: [{ price: "1.00" }],
        }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get("Retry-After")).toBe("5");
      // Still up after the Shopify session storage's start-up probe gave up (10 s).
      await sleep(11_000);
      expect(await health(url)).toEqual({ status: 503, body: { ok: false, reason: "unreachable" } });
      expect(server.child.exitCode).toBeNull();
    } finally {
      expect(await server.stop("SIGTERM")).toBe(0);
    }
  });
});

describe.skipIf(!SERVER_URL)("PostgreSQL goes away", () => {
  it("on PostgreSQL: /healthz answers 503 on an unmigrated database and 200 once it is migrated", async () => {
    const name = `tally_unmigrated_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(SERVER_URL!);
    url.pathname = `/${name}`;
    const { server, url: appUrl } = await startServer(url.toString());
    const database = openDatabase({ databaseUrl: url.toString() });
    try {
      expect(await health(appUrl)).toEqual({ status: 503, body: { ok: false, reason: "unmigrated" } });
      const [first, ...rest] = await readMigrations();
      await database.withSqlRunner((sql) => migrate(sql, [first!]));
      expect(await health(appUrl)).toEqual({
        status: 503,
        body: { ok: false, reason: "unmigrated", pending: rest.map((m) => m.name) },
      });
      await database.withSqlRunner(async (sql) => migrate(sql, await readMigrations()));
      expect(await health(appUrl)).toEqual({ status: 200, body: { ok: true } });
    } finally {
      expect(await server.stop("SIGTERM")).toBe(0);
      await database.close();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });

  describe("connections terminated mid-burst", () => {
    let fresh: { databaseUrl: string; drop(): Promise<void> };
    let database: Database;
    beforeAll(async () => {
      fresh = await createMigratedDatabase(SERVER_URL!, "tally_outage");
      database = openDatabase({ databaseUrl: fresh.databaseUrl });
      const accessToken = `shpat_${randomBytes(16).toString("hex")}`;
      await database.prisma.session.create({
        data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: TEST_SCOPES, accessToken },
      });
      double.addShop({
        domain: SHOP,
        accessToken,
        name: "outage-shop",
        email: `owner@${SHOP}`,
        currencyCode: "EUR",
        ianaTimezone: "Europe/Paris",
      });
    });
    afterAll(async () => {
      await database?.close();
      await fresh?.drop();
    });

    it("on PostgreSQL: the process stays up, every delivery answers 200 or 503, and each redelivered order is awarded exactly once", async () => {
      // A small pool, so a connection leaked by a transaction that died would soon starve it.
      const { server, url } = await startServer(fresh.databaseUrl, { DATABASE_POOL_MAX: "2" });
      const dbName = new URL(fresh.databaseUrl).pathname.slice(1);
      const killer = new pg.Client({ connectionString: SERVER_URL });
      killer.on("error", () => {});
      await killer.connect();
      const orders = Array.from({ length: 30 }, (_, i) => ({
        webhookId: `outage-${i}`,
        orderId: 7000 + i,
        customerId: 3000 + (i % 5),
        payload: orderPayload("orders/paid", {
          id: 7000 + i,
          customer: { id: 3000 + (i % 5), email: `c${i % 5}@example.com` },
          lines: [{ price: "10.00" }],
        }),
      }));
      try {
        // The outage: every connection the app holds is terminated, over and over.
        let outage = true;
        let terminated = 0;
        const terminating = (async () => {
          while (outage) {
            const { rowCount } = await killer.query(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
              [dbName],
            );
            terminated += rowCount ?? 0;
            await sleep(50 + Math.random() * 200);
          }
        })();
        // A burst of duplicate deliveries, four in flight at a time, while connections die.
        const statuses: number[] = [];
        const queue = orders.flatMap((order) => [order, order]);
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            for (let order = queue.shift(); order; order = queue.shift()) {
              const response = await deliver(url, order);
              statuses.push(response.status);
              if (response.status === 503) expect(response.headers.get("Retry-After")).toBe("5");
            }
          }),
        );
        outage = false;
        await terminating;
        expect(terminated).toBeGreaterThan(0);
        expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
        expect(server.child.exitCode).toBeNull();

        // Afterwards Shopify redelivers what was not answered 200 — and, at least once, sends a duplicate of what was.
        for (const order of orders) {
          let status = 0;
          for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
            if (attempt) await sleep(250);
            status = (await deliver(url, order)).status;
          }
          expect(status).toBe(200);
        }
        expect(await health(url)).toEqual({ status: 200, body: { ok: true } });
        // Answered 200 means stored: the appliers apply what is pending, including deliveries whose
        // claim the outage cut short (taken again once their lease runs out).
        for (let waited = 0; ; waited += 250) {
          const pending = await database.prisma.$queryRaw<{ count: number }[]>`
            SELECT count(*)::int AS count FROM "WebhookDelivery" WHERE payload IS NOT NULL AND "parkedAt" IS NULL`;
          if (pending[0]!.count === 0) break;
          if (waited > 60_000) throw new Error(`${pending[0]!.count} deliveries still pending`);
          await sleep(250);
        }
        const keys = await database.prisma.ledgerEntry.groupBy({
          by: ["idempotencyKey"],
          where: { idempotencyKey: { in: orders.map((order) => `order:${order.orderId}:earn`) } },
          _count: true,
        });
        expect(keys).toHaveLength(orders.length);
        expect(keys.every((key) => key._count === 1)).toBe(true);
        const shop = await database.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
        const members = await database.prisma.member.findMany({
          where: { shopId: shop.id },
          orderBy: { shopifyCustomerId: "asc" },
        });
        expect(members.map((member) => member.balance)).toEqual([60, 60, 60, 60, 60]);
        expect(await ledgerDiscrepancies(database.prisma, shop.id)).toEqual([]);
        expect(server.output()).not.toMatch(/Unhandled 'error' event/);
      } finally {
        await killer.end();
        expect(await server.stop("SIGTERM")).toBe(0);
      }
    }, 150_000);
  });
});
