import type { Prisma, PrismaClient } from "@prisma/client";
import { ensureShop, offlineSessionId } from "~/shopify/shops.server";
import { LAST_VALID_COLUMNS, loadedShop, loadShop, type LoadedShop, type StoredShopProgram } from "./program.server";

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * The installed shop with its program, or null: one query on every webhook and storefront
 * request (the session and the shop read together).
 */
export async function findInstalledShop(db: Db, shopDomain: string): Promise<LoadedShop | null> {
  const [row] = await db.$queryRaw<
    (Omit<StoredShopProgram, "id"> & { id: string | null; scope: string | null; installed: boolean | null })[]
  >`
    SELECT session.scope, shop.id, shop.domain, shop."programRevision", shop.program::text AS program, ${LAST_VALID_COLUMNS},
           shop.status = 'installed' AS installed
      FROM "Session" session LEFT JOIN "Shop" shop ON shop.domain = ${shopDomain}
     WHERE session.id = ${offlineSessionId(shopDomain)}`;
  if (!row) return null;
  if (row.id && row.installed) return loadedShop({ ...row, id: row.id });
  const shop = await ensureShop(db, shopDomain, row.scope);
  return loadShop(db, shop.id);
}
