import type { OutboxTask, PrismaClient, Redemption } from "@prisma/client";
import { z } from "zod";
import type { OutboxTopic } from "~/db/outbox-topics";
import { rows } from "~/db/rows";
import { inTransaction } from "~/db/transaction.server";
import { lockMember, type Tx } from "~/loyalty/points/ledger.server";
import type { Reward } from "~/loyalty/program/program";
import type { LoadedShop } from "~/loyalty/program/program.server";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { deleteDiscount, discountUsageCount } from "~/shopify/discounts.server";
import { isRetryable } from "~/shopify/errors";
import { retryTaskLater } from "~/shopify/task-retry.server";
import { claimInline } from "./codes.server";
import { reversalRefusal, type ReversalRefusal } from "./pos";
import { INLINE_ATTEMPT_MS, refundRedemption } from "./redemptions.server";

/** How long the reversing request has the deletion to itself before the outbox workers may take it (claimInline's lease). */
const INLINE_DELETE_MS = INLINE_ATTEMPT_MS;

export type ReverseResult =
  | { status: "reversed" | "duplicate"; redemption: Redemption }
  | { status: "not_found" | "shopify_unavailable" }
  | { status: ReversalRefusal; redemption: Redemption };

const deleteTaskKey = (redemptionId: string) => `redemption:${redemptionId}:delete`;

/**
 * Staff undo a redemption made at the point of sale (the sale was abandoned): the points come
 * back once (`redemption:<id>:refund`, the one key under which a redemption's points come back), the redemption is `reversed`, and an outbox task deletes
 * its code in Shopify — all in one transaction under the member's lock, the same lock an order
 * using the code waits for, so a code cannot be both used and given back. A second call answers
 * `duplicate` with the same redemption.
 */
export async function reverseRedemption(
  tx: Tx,
  shop: LoadedShop,
  redemptionId: string,
  now: Date,
): Promise<ReverseResult> {
  const found = await tx.redemption.findFirst({
    where: { id: redemptionId, shopId: shop.id },
    select: { memberId: true },
  });
  if (!found) return { status: "not_found" };
  await lockMember(tx, found.memberId);
  const [locked] = rows(
    z.object({ id: z.string() }),
    await tx.$queryRaw`SELECT id FROM "Redemption" WHERE id = ${redemptionId} FOR UPDATE`,
  );
  const redemption = await tx.redemption.findUniqueOrThrow({ where: { id: locked!.id } });
  if (redemption.status === "reversed") return { status: "duplicate", redemption };
  const rewardType = (redemption.reward as unknown as Pick<Reward, "type">).type;
  const refusal = reversalRefusal({ ...redemption, rewardType }, now);
  if (refusal) return { status: refusal, redemption };

  await refundRedemption(tx, shop, redemption, "redemption undone at the point of sale", now);
  await tx.outboxTask.create({
    data: {
      shopId: shop.id,
      topic: "delete_discount" satisfies OutboxTopic,
      key: deleteTaskKey(redemption.id),
      payload: { redemptionId: redemption.id },
      runAt: new Date(now.getTime() + INLINE_DELETE_MS),
    },
  });
  const reversed = await tx.redemption.update({
    where: { id: redemption.id },
    data: { status: "reversed", reversedAt: now },
  });
  return { status: "reversed", redemption: reversed };
}

/**
 * Deletes a reversed redemption's code in Shopify. The reversing request calls it once, right
 * away; the outbox job calls it with the task it claimed. Throttling, 5xx and network failures
 * are retried as TASK_RETRY says; anything else, or the last attempt, is logged and given up
 * (the code was for this customer only and usable once: the points are back either way).
 */
export async function deliverCodeDeletion(
  db: PrismaClient,
  redemptionId: string,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
  claimed?: OutboxTask,
): Promise<"deleted" | "retry" | "given_up" | "not_mine"> {
  const redemption = await db.redemption.findUniqueOrThrow({ where: { id: redemptionId }, include: { shop: true } });
  const task = claimed ?? (await claimInline(db, redemption.shopId, deleteTaskKey(redemption.id), now));
  if (!task || task.deliveredAt) return "not_mine";
  const attempts = task.attempts + 1;
  try {
    if (redemption.shopifyDiscountId) {
      const admin = await AdminGateway.forShop(db, redemption.shop.domain, gatewayOptions);
      await deleteDiscount(admin, redemption.shopifyDiscountId);
    }
    await db.outboxTask.update({ where: { id: task.id }, data: { deliveredAt: now, attempts } });
    return "deleted";
  } catch (error) {
    if (await retryTaskLater(db, task, error, now)) return "retry";
    await db.outboxTask.update({ where: { id: task.id }, data: { deliveredAt: now, attempts } });
    console.error(
      JSON.stringify({ event: "redemption.code_not_deleted", redemptionId, error: String((error as Error).message) }),
    );
    return "given_up";
  }
}

/**
 * Asks Shopify first whether an order used the code: the sale may have gone through while its
 * `orders/paid` webhook is still on its way, and points given back for a used code would be lost
 * money. Then reverses in one transaction, and tries the deletion at once so the code is usually
 * gone before staff look again. Shopify unreachable: nothing is reversed (`shopify_unavailable`).
 */
export async function reverseAndDelete(
  db: PrismaClient,
  shop: LoadedShop,
  redemptionId: string,
  now = new Date(),
  gatewayOptions?: AdminGatewayOptions,
): Promise<ReverseResult> {
  const candidate = await db.redemption.findFirst({ where: { id: redemptionId, shopId: shop.id } });
  if (candidate?.status === "active" && candidate.channel === "pos" && candidate.shopifyDiscountId) {
    let uses: number | null;
    try {
      const admin = await AdminGateway.forShop(db, shop.domain, gatewayOptions);
      uses = await discountUsageCount(admin, candidate.shopifyDiscountId);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      return { status: "shopify_unavailable" };
    }
    if (uses) return { status: "used", redemption: candidate };
  }
  const result = await inTransaction(db, (tx) => reverseRedemption(tx, shop, redemptionId, now));
  if (result.status === "reversed") await deliverCodeDeletion(db, redemptionId, now, gatewayOptions);
  return result;
}
