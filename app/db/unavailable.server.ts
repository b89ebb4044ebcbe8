// Which errors mean "the database cannot serve right now" (answer 503, Shopify redelivers)
// rather than "this request is wrong" (a bug or bad input, answer 500/4xx).

// Prisma's codes for an unreachable server, a timeout, a closed connection, an exhausted pool.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
// The driver adapter's kinds for socket failures (@prisma/adapter-pg's convertDriverError).
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// SQLSTATE: class 08 is "connection exception"; 57P01–57P03 are shutdowns and restarts
// (pg_terminate_backend, failover); 53300 is too many connections.
const SQLSTATE = /^(08...|57P0[123]|53300)$/;
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "EAI_AGAIN",
]);
// pg's own messages for a dead or never-made connection, which carry no code.
const PG_MESSAGES =
  /Connection terminated|not queryable|timeout exceeded when trying to connect|Can't reach database server/i;

type ErrorLike = {
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
};

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending = [error];
  while (pending.length) {
    const current = pending.pop();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const { code, kind, message, cause, meta } = current as ErrorLike;
    if (typeof code === "string" && (PRISMA_CODES.has(code) || SQLSTATE.test(code) || SOCKET_CODES.has(code)))
      return true;
    if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
    if (typeof message === "string" && PG_MESSAGES.test(message)) return true;
    pending.push(cause, meta?.driverAdapterError);
  }
  return false;
}
