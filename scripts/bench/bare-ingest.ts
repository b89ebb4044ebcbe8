// The stack's floor for webhook ingest: a bare Node HTTP server that does only what the inbox must
// before its 200 — read the body, check Shopify's HMAC, insert the inbox's row (payload included)
// — on the same database, with the app's pool size. `npm run bench` loads it like the app.
// Env: PORT, and DATABASE_URL (PostgreSQL) or PGLITE_DATA_DIR (embedded), SHOPIFY_API_SECRET.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import pg from "pg";
import { openDatabase } from "../../app/db/database.server";
import { STORE_DELIVERY_SQL, storeDeliveryParams } from "../../app/db/inbox.server";

const secret = process.env.SHOPIFY_API_SECRET!;
const databaseUrl = process.env.DATABASE_URL || undefined;
const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 10 }) : null;
// A connection dropped between requests must not crash the floor being measured.
pool?.on("error", () => {});
const embedded = databaseUrl ? null : openDatabase({ pgliteDir: process.env.PGLITE_DATA_DIR });
await embedded?.ready;
const insert = (params: unknown[]): Promise<unknown> =>
  pool
    ? pool.query(STORE_DELIVERY_SQL, params)
    : embedded!.withSqlRunner((sql) => sql.query(STORE_DELIVERY_SQL, params));

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks);
    const given = Buffer.from(String(request.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
    const expected = createHmac("sha256", secret).update(body).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      response.writeHead(401).end();
      return;
    }
    const header = (name: string) => String(request.headers[name] ?? "");
    insert(
      storeDeliveryParams({
        shopDomain: header("x-shopify-shop-domain"),
        webhookId: header("x-shopify-webhook-id"),
        eventId: header("x-shopify-event-id"),
        topic: header("x-shopify-topic"),
        apiVersion: header("x-shopify-api-version"),
        triggeredAt: null,
        body: body.toString("utf8"),
        orderingKey: null,
      }),
    ).then(
      () => response.writeHead(200).end(),
      () => response.writeHead(500).end(),
    );
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(JSON.stringify({ event: "server.listening" })));
process.once("SIGTERM", () => {
  server.close(async () => {
    await pool?.end();
    await embedded?.close();
    process.exit(0);
  });
  // The load generator's keep-alive connections would hold close() open.
  server.closeAllConnections();
});
