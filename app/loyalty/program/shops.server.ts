import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { rows } from "~/db/rows";
import { ensureShop, offlineSessionId } from "~/shopify/shops.server";
import { LAST_VALID_COLUMNS, loadedShop, loadShop, type LoadedShop, type StoredShopProgram } from "./program.server";

type Db = PrismaClient | Prisma.TransactionClient;

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
  planActive: z.boolean().nullable(),
});

/** An installed shop with the program that runs, and whether its billing plan is active (docs/billing.md). */
export type InstalledShop = LoadedShop & { planActive: boolean };

/**
 * The installed shop with its program, or null: one query on every webhook and storefront
 * request (the session, the shop and whether its plan is active read together).
 */
export async function findInstalledShop(db: Db, shopDomain: string): Promise<InstalledShop | null> {
  const [row] = rows(
    installedShopRow,
    await db.$queryRaw`
    SELECT session.scope, shop.id, shop.domain, shop."programRevision", shop.program::text AS program, ${LAST_VALID_COLUMNS},
           shop.status = 'installed' AS installed,
           EXISTS (SELECT 1 FROM "AppSubscription" plan WHERE plan."shopId" = shop.id AND plan.status = 'ACTIVE') AS "planActive"
      FROM "Session" session LEFT JOIN "Shop" shop ON shop.domain = ${shopDomain}
     WHERE session.id = ${offlineSessionId(shopDomain)}`,
  );
  if (!row) return null;
  if (row.id && row.installed)
    return { ...loadedShop(storedShopProgram.parse(row)), planActive: row.planActive === true };
  const shop = await ensureShop(db, shopDomain, row.scope);
  return { ...(await loadShop(db, shop.id)), planActive: row.planActive === true };
}
