// `npm start`: serves the production build (`npm run build`) on HOST:PORT, default
// 127.0.0.1:3000. Also used in-process by the integration tests (test/support/app-server.ts).
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type NextFunction, type Request, type Response } from "express";

export interface AppServerOptions {
  host?: string;
  port?: number;
  /** The folder `npm run build` wrote. */
  buildDir?: string;
}

interface Lifecycle {
  startServer(): Promise<{ database: string; migrated: string[]; jobs: boolean }>;
  stopServer(): Promise<void>;
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
function refuseUndecodablePath(request: Request, response: Response, next: NextFunction) {
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
  const lifecycle = build.entry.module as unknown as Lifecycle;
  const started = await lifecycle.startServer();

  const app = express();
  app.disable("x-powered-by");
  app.use(refuseUndecodablePath);
  app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
  // The socket's peer, for rate limits and visit records (app/http/client-address.server.ts).
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV, getLoadContext: (request) => ({ socketAddress: request.socket.remoteAddress ?? null }) }));

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
  const running = await startAppServer({
    host: process.env.HOST || "127.0.0.1",
    port: Number(process.env.PORT || 3000),
  });
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
