// `npm start`: serves the production build (`npm run build`) on HOST:PORT, default
// 127.0.0.1:3000. Also used in-process by the integration tests (test/support/app-server.ts).
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type ErrorRequestHandler } from "express";

export interface AppServerOptions {
  host?: string;
  port?: number;
  /** The folder `npm run build` wrote. */
  buildDir?: string;
}

interface Lifecycle {
  startServer(): Promise<{ database: string; migrated: string[]; jobs: boolean }>;
  stopServer(): Promise<void>;
  isDatabaseUnavailable(error: unknown): boolean;
}

// Shopify redelivers a webhook answered 5xx; Retry-After tells other callers when to try again.
const RETRY_AFTER_SECONDS = "5";

function databaseUnavailable(): Response {
  return new Response("The database is unavailable; retry later.", {
    status: 503,
    headers: { "Retry-After": RETRY_AFTER_SECONDS, "Content-Type": "text/plain; charset=utf-8" },
  });
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
        console.error(JSON.stringify({ event: "request.database_unavailable", error: String((error as Error)?.message ?? error).slice(0, 300) }));
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

export async function startAppServer(options: AppServerOptions = {}): Promise<RunningAppServer> {
  const buildDir = path.resolve(options.buildDir ?? "build");
  const build = (await import(pathToFileURL(path.join(buildDir, "server/index.js")).href)) as ServerBuild;
  const lifecycle = build.entry.module as unknown as Lifecycle;
  const started = await lifecycle.startServer();

  const app = express();
  app.disable("x-powered-by");
  app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build: answeringOutages(build, lifecycle.isDatabaseUnavailable), mode: process.env.NODE_ENV }));
  const lastResort: ErrorRequestHandler = (error, _request, response, next) => {
    if (response.headersSent || !lifecycle.isDatabaseUnavailable(error)) return next(error);
    response.status(503).set("Retry-After", RETRY_AFTER_SECONDS).type("text/plain").send("The database is unavailable; retry later.");
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
