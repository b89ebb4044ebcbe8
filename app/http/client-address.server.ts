import type { AppLoadContext } from "@remix-run/node";
import { serverEnvironment } from "~/config/env.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The address of the TCP peer (server.ts puts it here; absent under `remix vite:dev`). */
    socketAddress?: string | null;
  }
}

/**
 * The client's address: X-Forwarded-For with the socket's peer after it, counted from the right
 * past the trusted proxies. The left of the header is whatever the client wrote, so it is never
 * read unless that many proxies stand in front; a shorter chain yields its leftmost address.
 */
export function clientAddress(
  request: Request,
  context: AppLoadContext,
  trustedHops = serverEnvironment().TALLY_TRUSTED_PROXY_HOPS,
): string | null {
  const forwarded = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  const chain = [...forwarded, context.socketAddress ?? ""];
  return chain[Math.max(0, chain.length - 1 - trustedHops)] || null;
}
