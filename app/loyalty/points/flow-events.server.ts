import type { Prisma, PrismaClient } from "@prisma/client";
import { inTransaction } from "~/db/transaction.server";
import { matchLanguage } from "~/language-match";
import type { ShopperLanguage } from "~/languages";
import {
  applyLifecycleCallback,
  enabledTriggerHandles,
  FLOW_TRIGGERS,
  type FlowEventSubject,
  type FlowTrigger,
  type FlowTriggerFields,
  type LifecycleState,
} from "./flow-triggers";

export interface FlowEventPayload {
  handle: string;
  /** The member the event is about; null for a shop-level trigger (no customer in the payload). */
  memberId: string | null;
  fields: Record<string, string | number | boolean>;
}

/**
 * Queues a Flow trigger event in the same transaction as its cause, only for a shop with an
 * enabled workflow on that trigger (one statement: the check rides on the insert). The key makes
 * it once per cause. `memberId` is the member the event is about, or null for a trigger about the
 * shop. Returns whether an event was queued.
 */
export async function queueFlowEvent<T extends FlowTrigger>(
  tx: Prisma.TransactionClient | PrismaClient,
  shopId: string,
  trigger: T,
  eventKey: string,
  memberId: FlowEventSubject<T>,
  fields: FlowTriggerFields[T],
  now = new Date(),
): Promise<boolean> {
  return (await queueFlowEvents(tx, shopId, trigger, [{ eventKey, memberId, fields }], now)) > 0;
}

/** queueFlowEvent for many causes of one trigger, in one statement. Returns how many were queued. */
export async function queueFlowEvents<T extends FlowTrigger>(
  tx: Prisma.TransactionClient | PrismaClient,
  shopId: string,
  trigger: T,
  events: { eventKey: string; memberId: FlowEventSubject<T>; fields: FlowTriggerFields[T] }[],
  now = new Date(),
): Promise<number> {
  if (!events.length) return 0;
  const { handle } = FLOW_TRIGGERS[trigger];
  const keys = events.map((event) => `flow:${event.eventKey}`);
  const payloads = events.map(({ memberId, fields }) =>
    JSON.stringify({ handle, memberId, fields } satisfies FlowEventPayload),
  );
  return tx.$executeRaw`
    INSERT INTO "OutboxTask" (id, "shopId", topic, key, payload, "runAt", attempts, "createdAt")
    SELECT gen_random_uuid()::text, s.id, 'flow_trigger', e.key, e.payload::jsonb, ${now}, 0, ${now}
      FROM "Shop" s, unnest(${keys}::text[], ${payloads}::text[]) AS e(key, payload)
     WHERE s.id = ${shopId} AND ${handle} = ANY(s."flowTriggersEnabled")
    ON CONFLICT ("shopId", key) DO NOTHING`;
}

/**
 * The shop's language (its Flow workflows' texts are in it) when it has an enabled workflow on the
 * trigger; null when it has none, and there is nothing to queue.
 */
export async function flowTriggerLanguage(
  tx: Prisma.TransactionClient | PrismaClient,
  shopId: string,
  trigger: FlowTrigger,
): Promise<ShopperLanguage | null> {
  const [shop] = await tx.$queryRaw<{ language: string }[]>`
    SELECT language FROM "Shop" WHERE id = ${shopId} AND ${FLOW_TRIGGERS[trigger].handle} = ANY("flowTriggersEnabled")`;
  return shop ? matchLanguage(shop.language) : null;
}

export async function flowTriggerEnabled(db: PrismaClient, shopId: string, trigger: FlowTrigger): Promise<boolean> {
  return (
    (await db.shop.count({ where: { id: shopId, flowTriggersEnabled: { has: FLOW_TRIGGERS[trigger].handle } } })) > 0
  );
}

export interface LifecycleCallback {
  definitionId: string;
  enabled: boolean;
  at: Date;
}

/** Records a Flow lifecycle callback for the shop and recomputes which triggers fire. */
export async function recordFlowLifecycle(db: PrismaClient, shopId: string, callback: LifecycleCallback) {
  return inTransaction(db, async (tx) => {
    const [shop] = await tx.$queryRaw<{ flowLifecycle: Record<string, LifecycleState> }[]>`
      SELECT "flowLifecycle" FROM "Shop" WHERE id = ${shopId} FOR UPDATE`;
    const lifecycle = applyLifecycleCallback(shop!.flowLifecycle, callback);
    if (!lifecycle) return { applied: false };
    const flowTriggersEnabled = enabledTriggerHandles(lifecycle);
    await tx.shop.update({
      where: { id: shopId },
      data: { flowLifecycle: lifecycle as unknown as Prisma.InputJsonObject, flowTriggersEnabled },
    });
    return { applied: true, flowTriggersEnabled };
  });
}
