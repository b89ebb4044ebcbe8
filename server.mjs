// `npm start`: serves the production build on HOST:PORT (default 127.0.0.1:3000).
import { createRequestHandler } from "@remix-run/express";
import express from "express";

const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || 3000);
process.env.NODE_ENV ||= "production";

const build = await import("./build/server/index.js");
const lifecycle = build.entry.module;
const { database, migrated } = await lifecycle.startServer();

const app = express();
app.disable("x-powered-by");
app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
app.use(express.static("build/client", { maxAge: "1h" }));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

const server = app.listen(port, host, () => {
  const address = server.address();
  console.log(
    JSON.stringify({
      event: "server.listening",
      url: `http://${address.address}:${address.port}`,
      database,
      migrated,
    }),
  );
});

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ event: "server.stopping", signal }));
  server.close();
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), 5_000).unref();
  await new Promise((resolve) => server.on("close", resolve));
  await lifecycle.stopServer();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
