import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { AdminApiDouble, type DoubleCustomer, type ShopPlan } from "../../sandbox/admin-api-double";
import { sandboxRoutes } from "../../sandbox/routes";
import { appProxyQuery, mintSessionToken, signedWebhookRequest } from "../../sandbox/signing";
import { startAppServer, type RunningAppServer } from "../../server";
import type { Program } from "~/loyalty/program/program";
import { freshDatabase, type FreshDatabase } from "./database";
import { API_VERSION, BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES } from "./constants";

export interface TestApp {
  url: string;
  /** The app's own Prisma client: tests read what the app wrote. */
  prisma: PrismaClient;
  double: AdminApiDouble;
  databaseKind: "postgresql" | "pglite";
  /** Installs a shop the way Shopify does: an offline session, and the shop in the Admin API. */
  installShop(
    shop: string,
    options?: { customers?: DoubleCustomer[]; plan?: ShopPlan; primaryLocale?: string },
  ): Promise<{ accessToken: string }>;
  /**
   * Sends a webhook signed as Shopify signs it (pass `secret` to sign with the wrong key). When the
   * app accepts it (200), resolves once the inbox's applier has applied it (or parked it), unless
   * `awaitApplied` is false.
   */
  webhook(
    topic: string,
    shop: string,
    payload: unknown,
    options?: { webhookId?: string; secret?: string; apiVersion?: string; awaitApplied?: boolean },
  ): Promise<Response>;
  /** A storefront request through the App Proxy, signed as Shopify signs it. */
  proxy(
    path: string,
    request: { shop: string; customerId: string | number | null; timestamp?: Date },
  ): Promise<Response>;
  /** A request from the embedded admin: the session token as App Bridge sends it. */
  admin(path: string, shop: string, init?: RequestInit): Promise<Response>;
  /** Edits the shop's program through `/api/program` as the admin does; returns the shop's id. */
  configureProgram(shop: string, change: (program: Program) => void): Promise<string>;
  /** The URL the Shopify admin loads the app frame with (id_token in the query). */
  adminDocumentUrl(path: string, shop: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the built app (`npm run build`) with the sandbox's routes in this process on a random
 * port, against a fresh database and a fresh Admin API double. One per test file: the build is a
 * module, and its configuration is read from the environment when it is first imported.
 */
export async function startTestApp(options: { env?: Record<string, string> } = {}): Promise<TestApp> {
  const double = await AdminApiDouble.start();
  const database: FreshDatabase = await freshDatabase();
  Object.assign(process.env, {
    NODE_ENV: "test",
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_API_SECRET,
    SHOPIFY_APP_URL: "https://tally.test",
    SCOPES: TEST_SCOPES,
    SHOPIFY_ADMIN_API_ORIGIN: double.origin,
    // Tests run the jobs themselves, at the times they choose.
    TALLY_JOBS: "off",
    // Shopify billing gates the storefront until a plan is approved: the billing tests turn it on.
    TALLY_BILLING: "off",
    ...database.env,
    ...options.env,
  });
  let server: RunningAppServer;
  try {
    // The sandbox's routes as `npm run demo` serves them; they answer 404 unless TALLY_SANDBOX_SHOP is set.
    server = await startAppServer({ port: 0, extraRoutes: (build) => sandboxRoutes(build, double) });
  } catch (error) {
    await double.close();
    await database.drop();
    throw error;
  }
  const prisma = (server.build.entry.module as unknown as { prisma: PrismaClient }).prisma;

  const sessionToken = (shop: string) => mintSessionToken({ shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });

  const testApp: TestApp = {
    url: server.url,
    prisma,
    double,
    databaseKind: database.kind,
    async installShop(shop, installOptions = {}) {
      const accessToken = `shpat_${randomBytes(16).toString("hex")}`;
      await prisma.session.upsert({
        where: { id: `offline_${shop}` },
        create: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: TEST_SCOPES, accessToken },
        update: { accessToken, scope: TEST_SCOPES },
      });
      double.addShop({
        domain: shop,
        accessToken,
        name: shop.replace(".myshopify.com", ""),
        email: `owner@${shop}`,
        currencyCode: "EUR",
        ianaTimezone: "Europe/Paris",
        customers: installOptions.customers,
        plan: installOptions.plan,
        primaryLocale: installOptions.primaryLocale,
      });
      return { accessToken };
    },
    async webhook(topic, shop, payload, webhookOptions = {}) {
      const request = signedWebhookRequest(
        `${server.url}/webhooks/${topic}`,
        {
          topic,
          shop,
          payload,
          apiVersion: webhookOptions.apiVersion ?? API_VERSION,
          webhookId: webhookOptions.webhookId,
        },
        webhookOptions.secret ?? TEST_API_SECRET,
      );
      const response = await fetch(request.url, request.init);
      if (response.status === 200 && webhookOptions.awaitApplied !== false)
        await deliveryApplied(prisma, shop, request.init.headers["X-Shopify-Webhook-Id"]!);
      return response;
    },
    proxy(path, request) {
      const query = appProxyQuery(
        { shop: request.shop, customerId: request.customerId, timestamp: request.timestamp },
        TEST_API_SECRET,
      );
      return fetch(`${server.url}/proxy${path}?${query}`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    },
    async admin(path, shop, init = {}) {
      const headers = new Headers(init.headers);
      headers.set("Authorization", `Bearer ${await sessionToken(shop)}`);
      headers.set("User-Agent", BROWSER_USER_AGENT);
      return fetch(`${server.url}${path}`, { ...init, headers });
    },
    async configureProgram(shop, change) {
      const { program, revision } = (await (await this.admin("/api/program", shop)).json()) as {
        program: Program;
        revision: number;
      };
      change(program);
      const saved = await this.admin("/api/program", shop, {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ program, revision }),
      });
      if (saved.status !== 200) throw new Error(`saving the program failed: ${saved.status} ${await saved.text()}`);
      return (await prisma.shop.findUniqueOrThrow({ where: { domain: shop }, select: { id: true } })).id;
    },
    async adminDocumentUrl(path, shop) {
      const host = Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url");
      const query = new URLSearchParams({ embedded: "1", shop, host, id_token: await sessionToken(shop) });
      return `${server.url}${path}?${query}`;
    },
    async close() {
      await server.close();
      await double.close();
      await database.drop();
    },
  };
  return testApp;
}

/** Waits until an accepted delivery has left the inbox: applied, parked, or never stored (a synchronous topic). */
export async function deliveryApplied(prisma: PrismaClient, shop: string, webhookId: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await prisma.$queryRaw<{ done: boolean }[]>`
      SELECT payload IS NULL OR "parkedAt" IS NOT NULL AS done FROM "WebhookDelivery"
       WHERE "shopDomain" = ${shop} AND "webhookId" = ${webhookId}`;
    if (!row || row.done) return;
    if (Date.now() > deadline) throw new Error(`delivery ${webhookId} to ${shop} was not applied in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
