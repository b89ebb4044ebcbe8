import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~/db/database.server";
import type { Program } from "~/loyalty/program/program";
import { AdminApiDouble } from "../sandbox/admin-api-double";
import { appProxyQuery, mintSessionToken, signedWebhookRequest } from "../sandbox/signing";
import { API_VERSION, BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES } from "./support/constants";
import { freshDatabase, ON_POSTGRES, type FreshDatabase } from "./support/database";
import { freePort, startProcess, type Started } from "./support/process";
import { orderPayload } from "./support/webhook-fixtures";

// The inbox's promises across processes (docs/decisions/0030-webhooks-accepted-then-applied.md):
// Tally's real server (`npm start`) in child processes, killed and started again, or two at once
// on one PostgreSQL database, as a deployment runs them.
const SHOP = "inbox-chaos.myshopify.com";
let double: AdminApiDouble;
let database: { env: Record<string, string>; drop(): Promise<void> };
const dataDirs: string[] = [];

beforeAll(async () => {
  double = await AdminApiDouble.start();
  double.addShop({
    domain: SHOP,
    accessToken: "shpat_inbox_chaos",
    name: "inbox-chaos",
    email: `owner@${SHOP}`,
    currencyCode: "EUR",
    ianaTimezone: "Europe/Paris",
  });
  if (ON_POSTGRES) {
    const fresh: FreshDatabase = await freshDatabase();
    database = { env: fresh.env as Record<string, string>, drop: fresh.drop };
  } else {
    // A data folder on disk, which outlives the process that owns it.
    const dir = mkdtempSync(path.join(tmpdir(), "tally-inbox-chaos-"));
    dataDirs.push(dir);
    database = { env: { PGLITE_DATA_DIR: path.join(dir, "pglite"), DATABASE_URL: "" }, drop: async () => {} };
  }
  // Installed, as Shopify leaves it: the offline session (written while no server owns the database).
  await withDatabase(async (prisma) => {
    await prisma.session.create({
      data: {
        id: `offline_${SHOP}`,
        shop: SHOP,
        state: "",
        isOnline: false,
        scope: TEST_SCOPES,
        accessToken: "shpat_inbox_chaos",
      },
    });
  });
});

afterAll(async () => {
  await double?.close();
  await database?.drop();
  dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

async function withDatabase<T>(work: (prisma: ReturnType<typeof openDatabase>["prisma"]) => Promise<T>): Promise<T> {
  const opened = openDatabase({
    databaseUrl: database.env.DATABASE_URL || undefined,
    pgliteDir: database.env.PGLITE_DATA_DIR,
  });
  try {
    await opened.ready;
    return await work(opened.prisma);
  } finally {
    await opened.close();
  }
}

async function startServer(env: Record<string, string> = {}): Promise<Started & { url: string }> {
  const port = await freePort();
  const started = await startProcess(["server.ts"], {
    env: {
      PORT: String(port),
      NODE_ENV: "test",
      SHOPIFY_API_KEY: TEST_API_KEY,
      SHOPIFY_API_SECRET: TEST_API_SECRET,
      SHOPIFY_APP_URL: "https://tally.test",
      SCOPES: TEST_SCOPES,
      SHOPIFY_ADMIN_API_ORIGIN: double.origin,
      TALLY_JOBS: "off",
      TALLY_BILLING: "off",
      ...database.env,
      ...env,
    },
    ready: /server\.listening/,
  });
  return Object.assign(started, { url: `http://127.0.0.1:${port}` });
}

async function deliver(url: string, payload: unknown, webhookId: string) {
  const request = signedWebhookRequest(
    `${url}/webhooks/orders/paid`,
    { topic: "orders/paid", shop: SHOP, payload, apiVersion: API_VERSION, webhookId },
    TEST_API_SECRET,
  );
  return (await fetch(request.url, request.init)).status;
}

/** The shopper's points once nothing about them is processing any more. */
async function settledPoints(url: string, customerId: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const query = appProxyQuery({ shop: SHOP, customerId }, TEST_API_SECRET);
    const response = await fetch(`${url}/proxy/member?${query}`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    const { points } = (await response.json()) as { points: { balance: number; processing: boolean } };
    if (!points.processing) return points.balance;
    if (Date.now() > deadline) throw new Error(`customer ${customerId}'s deliveries are still processing`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function enableProgram(url: string) {
  const headers = {
    Authorization: `Bearer ${await mintSessionToken({ shop: SHOP, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET })}`,
    "User-Agent": BROWSER_USER_AGENT,
    "Content-Type": "application/json",
  };
  const { program, revision } = (await (await fetch(`${url}/api/program`, { headers })).json()) as {
    program: Program;
    revision: number;
  };
  program.enabled = true;
  const saved = await fetch(`${url}/api/program`, {
    method: "PUT",
    headers,
    body: JSON.stringify({ program: { ...program, enabled: true }, revision }),
  });
  expect(saved.status).toBe(200);
}

const paidOrder = (id: number, customerId: number, price: string) =>
  orderPayload("orders/paid", {
    id,
    customer: { id: customerId, email: `c${customerId}@example.com` },
    lines: [{ price }],
  });

describe("the inbox across processes", () => {
  it("a delivery answered 200 by a process killed before applying it is applied after the restart, once", async () => {
    // Its applier off, this process can only store: it is killed with the delivery stored and not applied.
    const storing = await startServer({ TALLY_INBOX_APPLIER: "off" });
    try {
      await enableProgram(storing.url);
      expect(await deliver(storing.url, paidOrder(91_001, 9_101, "120.00"), "chaos-killed-1")).toBe(200);
    } finally {
      await storing.stop("SIGKILL");
    }
    const [pending] = await withDatabase(
      (prisma) =>
        prisma.$queryRaw<{ pending: boolean }[]>`
        SELECT payload IS NOT NULL AS pending FROM "WebhookDelivery" WHERE "webhookId" = 'chaos-killed-1'`,
    );
    expect(pending).toEqual({ pending: true });

    const restarted = await startServer();
    try {
      expect(await settledPoints(restarted.url, 9_101)).toBe(120);
      // Shopify's retry after the restart: recognised, nothing more.
      expect(await deliver(restarted.url, paidOrder(91_001, 9_101, "120.00"), "chaos-killed-1")).toBe(200);
      expect(await settledPoints(restarted.url, 9_101)).toBe(120);
    } finally {
      expect(await restarted.stop("SIGINT")).toBe(0);
    }
  });

  it.runIf(ON_POSTGRES)(
    "on PostgreSQL: two instances on one database, each delivery sent to both at once, award each order once",
    async () => {
      const [first, second] = await Promise.all([startServer(), startServer()]);
      try {
        const customers = Array.from({ length: 10 }, (_, i) => 9_200 + i);
        const statuses = await Promise.all(
          customers.flatMap((customerId, i) => {
            const order = paidOrder(92_000 + i, customerId, "30.00");
            // The same delivery to both instances, and Shopify's second delivery of the order under a new id.
            return [
              deliver(first.url, order, `chaos-both-${i}`),
              deliver(second.url, order, `chaos-both-${i}`),
              deliver(second.url, order, `chaos-again-${i}`),
            ];
          }),
        );
        expect(statuses.every((status) => status === 200)).toBe(true);
        for (const customerId of customers) {
          expect(await settledPoints(customerId % 2 ? first.url : second.url, customerId)).toBe(30);
        }
        const [counts] = await withDatabase(
          (prisma) =>
            prisma.$queryRaw<{ deliveries: number; earned: number }[]>`
            SELECT (SELECT count(*)::int FROM "WebhookDelivery" WHERE "webhookId" ~ '^chaos-(both|again)-' AND "appliedAt" IS NOT NULL) AS deliveries,
                   (SELECT count(*)::int FROM "LedgerEntry" WHERE delta > 0 AND "idempotencyKey" LIKE 'order:92%') AS earned`,
        );
        expect(counts).toEqual({ deliveries: 20, earned: 10 });
      } finally {
        await Promise.all([first.stop("SIGINT"), second.stop("SIGINT")]);
      }
    },
  );
});
