import { Prisma } from "@prisma/client";

/** Changes to one member within this window become one write to Shopify. */
export const SYNC_COALESCE_MS = 5_000;

/**
 * Asks for the member's points to be mirrored to Shopify. One outbox row per member: a change
 * while a sync is waiting only counts itself in (`changes`), so a burst of events is one write;
 * a change after the last sync re-arms the row.
 */
export async function queueMemberSync(
  tx: Prisma.TransactionClient,
  shopId: string,
  memberId: string,
  now = new Date(),
) {
  await queueMemberSyncs(tx, shopId, [memberId], now);
}

/** queueMemberSync for many (distinct) members, in one statement. */
export async function queueMemberSyncs(
  tx: Prisma.TransactionClient,
  shopId: string,
  memberIds: string[],
  now = new Date(),
) {
  if (!memberIds.length) return;
  await tx.$executeRaw`${memberSyncUpsert(shopId, memberIds, now)}`;
}

/** The statement behind queueMemberSyncs, for a writer that runs it inside its own (the ledger's entry). */
export function memberSyncUpsert(shopId: string, memberIds: string[], now: Date): Prisma.Sql {
  const runAt = new Date(now.getTime() + SYNC_COALESCE_MS);
  return Prisma.sql`
    INSERT INTO "OutboxTask" (id, "shopId", topic, key, payload, "runAt", attempts, "createdAt")
    SELECT gen_random_uuid()::text, ${shopId}, 'sync_member', 'sync:' || m.id, jsonb_build_object('memberId', m.id, 'changes', 1), ${runAt}, 0, ${now}
      FROM unnest(${memberIds}::text[]) AS m(id)
    ON CONFLICT ("shopId", key) DO UPDATE SET
      payload = jsonb_set("OutboxTask".payload, '{changes}', to_jsonb(COALESCE(("OutboxTask".payload->>'changes')::int, 0) + 1)),
      "runAt" = CASE WHEN "OutboxTask"."deliveredAt" IS NULL THEN "OutboxTask"."runAt" ELSE EXCLUDED."runAt" END,
      "deliveredAt" = NULL,
      attempts = 0`;
}
