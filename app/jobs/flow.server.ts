import type { OutboxTask, PrismaClient } from "@prisma/client";
import type { FlowEventPayload } from "~/loyalty/points/flow-events.server";
import { FLOW_PAYLOAD_MAX_BYTES } from "~/loyalty/points/flow-triggers";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { fireFlowTrigger } from "~/shopify/flow.server";
import { retryTaskLater } from "~/shopify/task-retry.server";
import { claimDueTasks } from "~/db/outbox-claims.server";
import type { JobReport } from "./job-report";

/**
 * Sends due Flow trigger events with flowTriggerReceive, oldest first: a member's event names its
 * customer, a shop's event names none. An event is dropped when its shop no longer has a workflow
 * on the trigger, its member is no longer a Shopify customer (erased), or Shopify refuses it;
 * passing failures are retried as TASK_RETRY says, then dropped.
 */
export async function deliverFlowEvents(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<JobReport> {
  const report = { job: "flow", processed: 0, points: 0 };
  const due = await claimDueTasks(db, "flow_trigger", now, 200);
  for (const [shopId, tasks] of Map.groupBy(due, (task) => task.shopId)) {
    const shop = await db.shop.findUniqueOrThrow({
      where: { id: shopId },
      select: { domain: true, flowTriggersEnabled: true },
    });
    const admin = await AdminGateway.forInstalledShop(db, shop.domain, gatewayOptions);
    const members = await db.member.findMany({
      where: { id: { in: tasks.flatMap((task) => eventOf(task).memberId ?? []) } },
      select: { id: true, shopifyCustomerId: true },
    });
    const customerOf = new Map(members.map((member) => [member.id, member.shopifyCustomerId]));
    for (const task of tasks) {
      const event = eventOf(task);
      const customer = event.memberId === null ? {} : customerReference(customerOf.get(event.memberId));
      if (!admin || !customer || !shop.flowTriggersEnabled.includes(event.handle)) {
        await markDelivered(db, task, now);
        continue;
      }
      const payload = { ...customer, ...event.fields };
      if (Buffer.byteLength(JSON.stringify(payload)) >= FLOW_PAYLOAD_MAX_BYTES) {
        console.error(JSON.stringify({ event: "flow.payload_too_large", shop: shop.domain, handle: event.handle }));
        await markDelivered(db, task, now);
        continue;
      }
      try {
        await fireFlowTrigger(admin, event.handle, payload);
        await markDelivered(db, task, now);
        report.processed++;
      } catch (error) {
        if (!(await retryTaskLater(db, task, error, now))) {
          console.error(
            JSON.stringify({ event: "flow.failed", shop: shop.domain, handle: event.handle, error: String(error) }),
          );
          await markDelivered(db, task, now);
        }
      }
    }
  }
  return report;
}

const eventOf = (task: OutboxTask) => task.payload as unknown as FlowEventPayload;

/** A member's event names its Shopify customer; none left (erased) means nothing to send. */
const customerReference = (shopifyCustomerId: string | null | undefined) =>
  shopifyCustomerId ? { customer_id: Number(shopifyCustomerId) } : null;

async function markDelivered(db: PrismaClient, task: OutboxTask, now: Date) {
  await db.outboxTask.update({ where: { id: task.id }, data: { deliveredAt: now, attempts: { increment: 1 } } });
}
