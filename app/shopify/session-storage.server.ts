import type { PrismaClient, Session as SessionRow } from "@prisma/client";
import type { Session } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";

/**
 * Shopify's Prisma session storage, with the one call every webhook, App Proxy and extension
 * request makes (loading the shop's offline session) read with a plain SQL query: a Prisma model
 * query costs about three times as much CPU on this engine (see docs/decisions/0006).
 */
export class TallySessionStorage extends PrismaSessionStorage<PrismaClient> {
  constructor(private readonly db: PrismaClient) {
    super(db, { connectionRetries: 0 });
    // The library probes its table once, here, and keeps the verdict for ever: a database that
    // is down (or not yet migrated) at start-up rejects a promise nobody awaits — Node exits — and
    // every later call refuses to run even once the database is back. Each query reports its own
    // outage instead (503), and /healthz checks the schema.
    const library = this as unknown as { ready: Promise<boolean> };
    library.ready.catch(() => undefined);
    library.ready = Promise.resolve(true);
  }

  override async loadSession(id: string): Promise<Session | undefined> {
    const [row] = await this.db.$queryRaw<SessionRow[]>`SELECT * FROM "Session" WHERE id = ${id}`;
    if (!row) return undefined;
    // The library's own row → Session mapping, so a session reads the same either way.
    return (this as unknown as { rowToSession(row: SessionRow): Session }).rowToSession(row);
  }
}
