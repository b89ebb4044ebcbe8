// `npm start`: serves the production build (`npm run build`) on HOST:PORT, default
// 127.0.0.1:3000. Also used in-process by the integration tests (test/support/test-app.ts).
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Transform, type TransformCallback } from "node:stream";
import {
  createReadableStreamFromReadable,
  createRequestHandler,
  writeReadableStreamToWritable,
  type ServerBuild,
} from "@remix-run/node";
import express, { type ErrorRequestHandler } from "express";

export interface AppServerOptions {
  host?: string;
  port?: number;
  /** The folder `npm run build` wrote. */
  buildDir?: string;
  /**
   * Routes served beside the build's own: the sandbox's (sandbox/routes.ts), which `npm run demo`
   * and the tests add. `npm start` adds none, so production has no `/sandbox/*`.
   */
  extraRoutes?: (build: ServerBuild) => ServerBuild["routes"];
}

interface Lifecycle {
  startServer(): Promise<{ database: string; migrated: string[]; jobs: boolean }>;
  stopServer(): Promise<void>;
  isDatabaseUnavailable(error: unknown): boolean;
  bodyLimitFor(pathname: string): number;
  shopWebhookAt(
    pathname: string,
  ): ((raw: { header(name: string): string | null; body: Buffer }) => Promise<Response>) | null;
}

// Shopify redelivers a webhook answered 5xx; Retry-After tells other callers when to try again.
const RETRY_AFTER_SECONDS = "5";

function databaseUnavailable(): Response {
  return new Response("The database is unavailable; retry later.", {
    status: 503,
    headers: { "Retry-After": RETRY_AFTER_SECONDS, "Content-Type": "text/plain; charset=utf-8" },
  });
}

function logDatabaseUnavailable(error: unknown) {
  console.error(
    JSON.stringify({
      event: "request.database_unavailable",
      error: String((error as Error)?.message ?? error).slice(0, 300),
    }),
  );
}

type RouteHandler = (args: never) => unknown;

/**
 * Every loader and action answers 503 with Retry-After while the database is unreachable,
 * instead of Remix's 500 (a thrown Response is what Remix sends as it is).
 */
function answeringOutages(build: ServerBuild, isUnavailable: (error: unknown) => boolean): ServerBuild {
  const guard = <H extends RouteHandler>(handler: H | undefined): H | undefined =>
    handler &&
    ((async (args: never) => {
      try {
        return await handler(args);
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        logDatabaseUnavailable(error);
        throw databaseUnavailable();
      }
    }) as H);
  const routes = Object.fromEntries(
    Object.entries(build.routes).map(([id, route]) => [
      id,
      { ...route, module: { ...route.module, loader: guard(route.module.loader), action: guard(route.module.action) } },
    ]),
  );
  return { ...build, routes };
}

export interface RunningAppServer {
  url: string;
  build: ServerBuild;
  close(): Promise<void>;
}

/**
 * `/proxy/r/%FF` cannot be decoded: Express would answer its URIError as an HTML page (and Remix
 * would pass the raw text on as a parameter). A path that is not valid percent-encoded UTF-8 is a 400.
 */
function refuseUndecodablePath(request: express.Request, response: express.Response, next: express.NextFunction) {
  try {
    decodeURIComponent(request.path);
  } catch {
    response.status(400).json({ error: "malformed_path" });
    return;
  }
  next();
}

export async function startAppServer(options: AppServerOptions = {}): Promise<RunningAppServer> {
  const buildDir = path.resolve(options.buildDir ?? "build");
  const build = (await import(pathToFileURL(path.join(buildDir, "server/index.js")).href)) as ServerBuild;
  const served = options.extraRoutes ? { ...build, routes: { ...build.routes, ...options.extraRoutes(build) } } : build;
  const lifecycle = build.entry.module as unknown as Lifecycle;
  const started = await lifecycle.startServer();

  const app = express();
  app.disable("x-powered-by");
  app.use(refuseUndecodablePath);
  app.use(refuseDeclaredOversizedBodies(lifecycle.bodyLimitFor));
  app.post("/webhooks/*", acceptingShopWebhooks(lifecycle));
  app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
  app.all(
    "*",
    remixHandlerWithBodyLimits(answeringOutages(served, lifecycle.isDatabaseUnavailable), lifecycle.bodyLimitFor),
  );
  const lastResort: ErrorRequestHandler = (error, _request, response, next) => {
    if (response.headersSent || !lifecycle.isDatabaseUnavailable(error)) return next(error);
    response
      .status(503)
      .set("Retry-After", RETRY_AFTER_SECONDS)
      .type("text/plain")
      .send("The database is unavailable; retry later.");
  };
  app.use(lastResort);

  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port ?? 3000, options.host ?? "127.0.0.1", () => resolve(listening));
    listening.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;
  console.log(JSON.stringify({ event: "server.listening", url, ...started }));

  return {
    url,
    build,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      const forced = setTimeout(() => server.closeAllConnections(), 5_000);
      await closed;
      clearTimeout(forced);
      await lifecycle.stopServer();
    },
  };
}

/**
 * Orders, refunds and customers webhooks, answered before Remix: the build's edge authenticates,
 * checks and stores each in the inbox, without Remix's route matching and request bridging, which
 * cost more CPU than the insert (docs/decisions/0036-shop-webhooks-answered-before-remix.md).
 */
function acceptingShopWebhooks(lifecycle: Lifecycle): express.RequestHandler {
  return async (req, res, next) => {
    const accept = lifecycle.shopWebhookAt(req.path);
    if (!accept) return next();
    const limit = lifecycle.bodyLimitFor(req.path);
    try {
      const body = await readBodyWithin(req, limit);
      if (!body) return refuseTooLarge(res, limit);
      const header = (name: string) => {
        const value = req.headers[name];
        return (Array.isArray(value) ? value.join(", ") : value) ?? null;
      };
      await sendResponse(res, await accept({ header, body }));
    } catch (error) {
      if (res.headersSent) return;
      if (!lifecycle.isDatabaseUnavailable(error)) return next(error);
      logDatabaseUnavailable(error);
      await sendResponse(res, databaseUnavailable());
    }
  };
}

/** The whole body, or null once it passes `limit` bytes (the rest is not read). */
function readBodyWithin(req: express.Request, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit) return void chunks.push(chunk);
      req.off("data", onData);
      req.pause();
      resolve(null);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks, received)));
    req.once("error", reject);
    // A client that went away mid-body: nothing to answer, nothing stored.
    req.once("close", () => req.complete || reject(new Error("request aborted")));
  });
}

function refuseTooLarge(res: express.Response, limit: number) {
  // Closing the connection stops the client's upload: Node would otherwise read the rest to reuse it.
  res.status(413).set({ Connection: "close", "Content-Type": "application/json" });
  res.end(JSON.stringify({ error: "payload too large", limitBytes: limit }));
}

/** A declared Content-Length over the path's limit is refused before a byte of the body is read. */
function refuseDeclaredOversizedBodies(bodyLimitFor: (pathname: string) => number): express.RequestHandler {
  return (req, res, next) => {
    const limit = bodyLimitFor(req.path);
    if (Number(req.headers["content-length"] ?? 0) > limit) return refuseTooLarge(res, limit);
    next();
  };
}

/** Passes the body through while it stays within `limit` bytes; past it, calls `onExceeded` and fails. */
class BodyLimit extends Transform {
  private received = 0;
  // Plain fields: `node server.ts` strips types only, and parameter properties are not types.
  private readonly limit: number;
  private readonly onExceeded: () => void;
  constructor(limit: number, onExceeded: () => void) {
    super();
    this.limit = limit;
    this.onExceeded = onExceeded;
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.received += chunk.length;
    if (this.received <= this.limit) return callback(null, chunk);
    this.onExceeded();
    callback(new Error(`request body over ${this.limit} bytes`));
  }
}

/**
 * Remix's Express adapter (@remix-run/express) hands routes the raw request stream, so a chunked body (no
 * Content-Length) would be read whole by the first `request.text()`. This bridge is the
 * adapter with the body counted as it arrives and cut at the path's limit with a 413.
 */
function remixHandlerWithBodyLimits(
  build: ServerBuild,
  bodyLimitFor: (pathname: string) => number,
): express.RequestHandler {
  const handleRequest = createRequestHandler(build, process.env.NODE_ENV);
  return async (req, res, next) => {
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const init: RequestInit & { duplex?: "half" } = {
      method: req.method,
      headers: requestHeaders(req),
      signal: controller.signal,
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      const limit = bodyLimitFor(req.path);
      const counted = new BodyLimit(limit, () => {
        req.unpipe(counted);
        if (res.headersSent) req.socket.destroy();
        else refuseTooLarge(res, limit);
        controller.abort();
      });
      // pipe() does not pass on a client that went away: end the body with an error, not never.
      req.once("error", (error) => counted.destroy(error));
      req.once("close", () => req.complete || counted.destroy(new Error("request aborted")));
      init.body = createReadableStreamFromReadable(req.pipe(counted));
      init.duplex = "half";
    }
    try {
      // The socket's peer, for rate limits and visit records (app/http/client-address.server.ts).
      const response = await handleRequest(new Request(requestUrl(req), init), {
        socketAddress: req.socket.remoteAddress ?? null,
      });
      if (res.headersSent) return; // already refused with 413
      await sendResponse(res, response);
    } catch (error) {
      if (!res.headersSent) next(error);
    }
  };
}

function requestHeaders(req: express.Request): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of Array.isArray(value) ? value : value ? [value] : []) headers.append(name, one);
  }
  return headers;
}

async function sendResponse(res: express.Response, response: Response) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) res.append(name, value);
  if (/text\/event-stream/i.test(response.headers.get("Content-Type") ?? "")) res.flushHeaders();
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

/** The request's URL as Remix's Express adapter builds it (port from X-Forwarded-Host, else Host). */
function requestUrl(req: express.Request): string {
  const portOf = (host: string | undefined) => Number.parseInt(host?.split(":")[1] ?? "", 10);
  const port = [portOf(req.get("X-Forwarded-Host")), portOf(req.get("host"))].find(Number.isSafeInteger);
  return new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`).href;
}

async function main() {
  process.env.NODE_ENV ||= "production";
  let running: RunningAppServer;
  try {
    running = await startAppServer({
      host: process.env.HOST || "127.0.0.1",
      port: Number(process.env.PORT || 3000),
    });
  } catch (error) {
    // An invalid environment is the operator's to fix: its list of problems, not a stack trace.
    console.error(error instanceof Error && error.name === "EnvironmentError" ? error.message : error);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(JSON.stringify({ event: "server.stopping", signal }));
    await running.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
