import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BODY_LIMIT } from "~/http/body-limits.server";
import { MAX_IMPORT_BYTES } from "~/loyalty/members/import";
import { mintSessionToken, signedWebhookRequest } from "../sandbox/signing";
import { API_VERSION, BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "body-limits.myshopify.com";
const MB = 1024 * 1024;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
});
afterAll(() => app?.close());

interface Upload {
  /** The status the server answered, or null when it closed the connection first. */
  status: number | null;
  /** Bytes the client managed to hand to the socket before the answer or the close. */
  sent: number;
  ms: number;
}

/**
 * POSTs `totalBytes` of JSON-ish filler as a stranger would, 1 MB at a time, honouring
 * backpressure; stops writing as soon as the server answers or closes the connection.
 * `declare` sends a Content-Length; otherwise the body is chunked.
 */
function upload(
  path: string,
  totalBytes: number,
  options: { declare?: number; method?: string; headers?: http.OutgoingHttpHeaders } = {},
): Promise<Upload> {
  const started = Date.now();
  return new Promise((resolve) => {
    let sent = 0;
    let finished = false;
    const finish = (status: number | null) => {
      if (finished) return;
      finished = true;
      request.destroy();
      resolve({ status, sent, ms: Date.now() - started });
    };
    const url = new URL(path, app.url);
    const headers: http.OutgoingHttpHeaders = {
      "Content-Type": "application/json",
      "User-Agent": BROWSER_USER_AGENT,
      ...options.headers,
    };
    if (options.declare !== undefined) headers["Content-Length"] = options.declare;
    const request = http.request(url, { method: options.method ?? "POST", headers, agent: false }, (response) => {
      response.resume();
      finish(response.statusCode ?? null);
    });
    request.on("error", () => finish(null));
    const chunk = Buffer.alloc(MB, "a");
    const write = () => {
      while (!finished && sent < totalBytes) {
        const piece = chunk.subarray(0, Math.min(MB, totalBytes - sent));
        sent += piece.length;
        if (!request.write(piece)) return void request.once("drain", write);
      }
      if (!finished) request.end();
    };
    write();
  });
}

/** Webhook headers as Shopify sends them, signed for some other body: the HMAC check must read the body to refuse it. */
const webhookHeaders = () => {
  const { init } = signedWebhookRequest(
    "",
    { topic: "orders/paid", shop: SHOP, payload: {}, apiVersion: API_VERSION },
    TEST_API_SECRET,
  );
  return init.headers;
};

describe("request body limits", () => {
  it("refuses a webhook declaring 300 MB with 413 at once, before reading it", async () => {
    const result = await upload("/webhooks/orders/paid", 4 * MB, { declare: 300 * MB, headers: webhookHeaders() });
    expect(result.status).toBe(413);
    expect(result.ms).toBeLessThan(5_000);
  });

  it("cuts a 50 MB chunked webhook body at 5 MB: 413 or the connection closed, and memory does not balloon", async () => {
    const rssBefore = process.memoryUsage().rss;
    const result = await upload("/webhooks/orders/paid", 50 * MB, { headers: webhookHeaders() });
    expect([413, null]).toContain(result.status);
    // The server stopped reading at the limit: the client could not hand it the whole body.
    expect(result.sent).toBeLessThan(50 * MB);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * MB);
  });

  it("holds any other route to the default limit, declared or chunked", async () => {
    const declared = await upload("/proxy/redemptions", DEFAULT_BODY_LIMIT + 1, { declare: DEFAULT_BODY_LIMIT + 1 });
    expect(declared.status).toBe(413);
    const token = await mintSessionToken({ shop: SHOP, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
    const chunked = await upload("/api/program", 20 * MB, {
      method: "PUT",
      headers: { Authorization: `Bearer ${token}` },
    });
    expect([413, null]).toContain(chunked.status);
    expect(chunked.sent).toBeLessThan(20 * MB);
    // Under the limit the route itself answers: the signature is for another body.
    const small = await upload("/webhooks/orders/paid", 64 * 1024, { headers: webhookHeaders() });
    expect(small.status).toBe(401);
  });

  it("still takes a legitimate member file larger than the default and the webhook limits", async () => {
    const url = `https://smile.test/r/${"x".repeat(580)}`;
    const rows = Array.from({ length: 10_000 }, (_, i) => `Ann,Archer,m${i}@example.com,${i},,,${url}`);
    const csv = ["First name,Last name,Email,Points balance,VIP tier,Date of birth,Referral URL", ...rows].join("\r\n");
    const body = JSON.stringify({ intent: "preview", csv, fileName: "members.csv" });
    expect(body.length).toBeGreaterThan(5 * MB);
    expect(body.length).toBeLessThan(MAX_IMPORT_BYTES);
    const response = await app.admin("/app/import.data", SHOP, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    });
    expect(response.status).toBe(200);
    const imported = await app.prisma.memberImport.findFirstOrThrow({ where: { shop: { domain: SHOP } } });
    expect(imported).toMatchObject({ status: "previewed", totalRows: 10_000 });
  });
});
