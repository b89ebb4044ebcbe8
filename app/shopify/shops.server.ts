import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { rows } from "~/db/rows";
import {
  LAST_VALID_COLUMNS,
  loadedShop,
  loadShop,
  type LoadedShop,
  type StoredShopProgram,
} from "~/loyalty/program/program.server";

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

const storedShopProgram = z.object({
  id: z.string(),
  domain: z.string(),
  programRevision: z.number().int(),
  program: z.string().nullable(),
  lastValidProgram: z.string().nullable(),
  lastValidRevision: z.number().int().nullable(),
}) satisfies z.ZodType<StoredShopProgram>;

/** The session's row joined to its shop's: the shop's columns are null when there is no shop yet. */
const installedShopRow = storedShopProgram.extend({
  id: z.string().nullable(),
  domain: z.string().nullable(),
  programRevision: z.number().int().nullable(),
  scope: z.string().nullable(),
  installed: z.boolean().nullable(),
});

/**
 * The installed shop with its program, or null: one query on every webhook and storefront
 * request (the session and the shop read together).
 */
export async function findInstalledShop(db: Db, shopDomain: string): Promise<LoadedShop | null> {
  const [row] = rows(
    installedShopRow,
    await db.$queryRaw`
    SELECT session.scope, shop.id, shop.domain, shop."programRevision", shop.program::text AS program, ${LAST_VALID_COLUMNS},
           shop.status = 'installed' AS installed
      FROM "Session" session LEFT JOIN "Shop" shop ON shop.domain = ${shopDomain}
     WHERE session.id = ${offlineSessionId(shopDomain)}`,
  );
  if (!row) return null;
  if (row.id && row.installed) return loadedShop(storedShopProgram.parse(row));
  const shop = await ensureShop(db, shopDomain, row.scope);
  return loadShop(db, shop.id);
}

/**
 * Records Shopify's id of the shop the first time a source Shopify vouches for names it, and
 * tells whether `shopId` is the shop's: true when it matches the recorded id or was just learned
 * (`trusted`), false when it names another shop. An untrusted id is not learned: it only
 * passes while there is nothing to compare it with.
 */
export async function matchesShopifyShopId(
  db: Db,
  shopDomain: string,
  shopId: string,
  trusted: boolean,
): Promise<boolean> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { shopifyShopId: true } });
  if (shop?.shopifyShopId) return shop.shopifyShopId === shopId;
  if (shop && trusted)
    await db.shop.updateMany({ where: { domain: shopDomain, shopifyShopId: null }, data: { shopifyShopId: shopId } });
  return true;
}
