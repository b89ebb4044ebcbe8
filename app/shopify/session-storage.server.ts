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
    super(db);
  }

  override async loadSession(id: string): Promise<Session | undefined> {
    const [row] = await this.db.$queryRaw<SessionRow[]>`SELECT * FROM "Session" WHERE id = ${id}`;
    if (!row) return undefined;
    // The library's own row → Session mapping, so a session reads the same either way.
    return (this as unknown as { rowToSession(row: SessionRow): Session }).rowToSession(row);
  }
}
