import { Prisma, type OutboxTask, type PrismaClient } from "@prisma/client";
import { claimDueTasks, releaseTasks } from "~/db/outbox-claims.server";
import { queueTierPerkSync } from "~/db/tier-perks-queue.server";
import { loadRunnableShop } from "~/loyalty/program/program.server";
import { syncTierPerks } from "~/loyalty/tiers/perks.server";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { ShopNotInstalledError } from "~/shopify/errors";
import { retryTaskLater } from "~/shopify/task-retry.server";
import type { JobReport } from "./job-report";

/**
 * One pass over due tier-perk syncs (app/loyalty/tiers/perks.server.ts): each shop's segments and
 * automatic discounts brought in line with its program. While Shopify is down the task waits as
 * TASK_RETRY says — the program keeps the desired state, and a later save or the hourly reconcile
 * asks again after the last attempt. A task asked for again while it ran is due again at once.
 */
export async function deliverTierPerkSyncs(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<JobReport> {
  const report = { job: "tier_perks", processed: 0, points: 0 };
  for (const task of await claimDueTasks(db, "sync_tier_perks", now, 20)) {
    const shop = await loadRunnableShop(db, task.shopId);
    if (!shop) {
      await finish(db, task, now);
      continue;
    }
    try {
      // One attempt per call: an automatic discount has no unique code, so a create whose answer was
      // lost must not be sent again blind — the task's next pass looks it up by title and tag first.
      const admin = await AdminGateway.forShop(db, shop.domain, { ...gatewayOptions, maxAttempts: 1 });
      const synced = await syncTierPerks(db, shop, admin, now);
      if (synced.created + synced.updated + synced.deleted + synced.failed) report.processed++;
    } catch (error) {
      if (error instanceof ShopNotInstalledError || !(await retryTaskLater(db, task, error, now))) {
        console.error(JSON.stringify({ event: "tier_perks.not_synced", shop: shop.domain, error: String(error) }));
        await finish(db, task, now);
      }
      continue;
    }
    await finish(db, task, now);
  }
  return report;
}

/** Done, unless a save or a reconcile asked again while it ran: then it is due again now. */
async function finish(db: PrismaClient, task: OutboxTask, now: Date) {
  const requestedAt = String((task.payload as { requestedAt?: string }).requestedAt ?? "");
  const marked = await db.$executeRaw`
    UPDATE "OutboxTask" SET "deliveredAt" = ${now}, attempts = attempts + 1
     WHERE id = ${task.id} AND "deliveredAt" IS NULL AND payload->>'requestedAt' = ${requestedAt}`;
  if (!marked) await releaseTasks(db, [task.id], now);
}

/**
 * The hourly reconcile: every shop with tier perks, or with perks Tally made before, is synced
 * again — a discount or segment deleted in Shopify by hand is made again (and logged as missing).
 */
export async function reconcileTierPerks(db: PrismaClient, now: Date, shopDomain?: string): Promise<JobReport> {
  const report = { job: "tier_perks_reconcile", processed: 0, points: 0 };
  const shops = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Shop" s
     WHERE status = 'installed' ${shopDomain ? Prisma.sql`AND domain = ${shopDomain}` : Prisma.empty}
       AND (EXISTS (SELECT 1 FROM "TierPerkSync" t WHERE t."shopId" = s.id)
            OR jsonb_path_exists(s.program, '$.tiers.levels[*].perks ? (@.percentageOff != null || @.freeShipping != null)'))`;
  for (const { id } of shops) {
    await queueTierPerkSync(db, id, now);
    report.processed++;
  }
  return report;
}
