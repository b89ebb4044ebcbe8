import type { Prisma, PrismaClient } from "@prisma/client";
import type { OutboxTopic } from "./outbox-topics";

/**
 * Queues a write of the theme's copy of the program (the shop metafield tally.program), which says
 * among other things whether shoppers see the program: at install (before anything was written the
 * theme would show a program the shop may not offer yet) and whenever the shop's plan turns on or
 * off. The outbox writes it, never a request's or a webhook's answer.
 */
export async function queueStorefrontPublish(db: PrismaClient | Prisma.TransactionClient, shopId: string, now: Date) {
  await db.$executeRaw`
    INSERT INTO "OutboxTask" (id, "shopId", topic, key, payload, "runAt", attempts, "createdAt")
    VALUES (gen_random_uuid()::text, ${shopId}, ${"publish_storefront" satisfies OutboxTopic},
            ${`publish-storefront:${now.toISOString()}`}, '{}'::jsonb, ${now}, 0, ${now})
    ON CONFLICT ("shopId", key) DO NOTHING`;
}
