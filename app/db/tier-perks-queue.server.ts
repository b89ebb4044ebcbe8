import type { Prisma, PrismaClient } from "@prisma/client";
import type { OutboxTopic } from "./outbox-topics";

/** The one sync_tier_perks task of a shop: saves and reconciles while it waits fold into it. */
export const TIER_PERKS_TASK_KEY = "tier-perks";

/**
 * Asks for the shop's tier perks to be brought in line with its program in Shopify (a program
 * save, the hourly reconcile). Each shop has one task, so repeated requests converge: a waiting
 * task keeps its turn (a retry's wait included), a finished one is due again now, and a task a
 * worker holds is done again after it (its `requestedAt` changed meanwhile).
 */
export async function queueTierPerkSync(db: PrismaClient | Prisma.TransactionClient, shopId: string, now: Date) {
  const payload = JSON.stringify({ requestedAt: now.toISOString() });
  await db.$executeRaw`
    INSERT INTO "OutboxTask" (id, "shopId", topic, key, payload, "runAt", attempts, "createdAt")
    VALUES (gen_random_uuid()::text, ${shopId}, ${"sync_tier_perks" satisfies OutboxTopic}, ${TIER_PERKS_TASK_KEY},
            ${payload}::jsonb, ${now}, 0, ${now})
    ON CONFLICT ("shopId", key) DO UPDATE
      SET payload = EXCLUDED.payload,
          "runAt" = CASE WHEN "OutboxTask"."deliveredAt" IS NULL THEN "OutboxTask"."runAt" ELSE EXCLUDED."runAt" END,
          attempts = CASE WHEN "OutboxTask"."deliveredAt" IS NULL THEN "OutboxTask".attempts ELSE 0 END,
          "deliveredAt" = NULL`;
}
