import type { Prisma, PrismaClient } from "@prisma/client";

type Db = PrismaClient | Prisma.TransactionClient;

/** The session id the Prisma session storage gives a shop's offline session. */
export const offlineSessionId = (shopDomain: string) => `offline_${shopDomain}`;

/**
 * A shop counts as installed when it has an offline session, however it got one (OAuth,
 * token exchange, a CLI-installed dev store). Tally's own record follows on first use.
 */
export async function ensureShop(db: Db, shopDomain: string, scopes?: string | null) {
  return db.shop.upsert({
    where: { domain: shopDomain },
    create: { domain: shopDomain, scopes: scopes ?? null },
    update: {
      status: "installed",
      uninstalledAt: null,
      ...(scopes ? { scopes } : {}),
    },
  });
}

export async function findInstalledShop(db: Db, shopDomain: string) {
  const session = await db.session.findUnique({ where: { id: offlineSessionId(shopDomain) } });
  if (!session) return null;
  const shop = await db.shop.findUnique({ where: { domain: shopDomain } });
  if (shop?.status === "installed") return shop;
  return ensureShop(db, shopDomain, session.scope);
}
