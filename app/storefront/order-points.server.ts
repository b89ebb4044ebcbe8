import type { PrismaClient } from "@prisma/client";
import { fromBigInt } from "~/db/bigint";

/**
 * What an order the shopper just placed earned them, for the thank-you page. The customer is
 * the caller's (the session token's `sub`); the order must be theirs as Shopify reported it in
 * `orders/paid`. Before that webhook has been recorded nothing is known yet: the answer says so
 * (`processing`) and the extension asks again a little later; it never guesses.
 */
export type OrderPointsAnswer =
  | { status: "processing" }
  | { status: "not_found" }
  | {
      status: "earned" | "pending" | "none";
      /** Net points this order gave (after refunds and cancellations), pending or not. */
      points: number;
      /** The part of `points` still on hold (the returns window). */
      pendingPoints: number;
      /** When the held points become spendable (the earliest lot). */
      availableAt: string | null;
    };

/** `gid://shopify/Order/123` or `123` → `"123"`; anything else → null. */
export function orderIdFrom(value: string | null): string | null {
  if (!value) return null;
  return /^(?:gid:\/\/shopify\/Order\/)?(\d{1,20})$/.exec(value)?.[1] ?? null;
}

export async function orderPoints(
  db: PrismaClient,
  shopId: string,
  customerId: string,
  shopifyOrderId: string,
): Promise<OrderPointsAnswer> {
  const order = await db.order.findUnique({ where: { shopId_shopifyOrderId: { shopId, shopifyOrderId } } });
  // No row, or a row a refund/cancellation created before `orders/paid` arrived: we do not know
  // yet whose order it is or what it earns.
  if (!order?.paidAt) return { status: "processing" };
  if (order.shopifyCustomerId !== customerId) return { status: "not_found" };

  const [sums, held] = await Promise.all([
    db.ledgerEntry.aggregate({ where: { shopId, orderId: order.id }, _sum: { delta: true, pendingDelta: true } }),
    db.pointLot.aggregate({
      where: { shopId, orderId: order.id, held: true, remaining: { gt: 0 } },
      _sum: { remaining: true },
      _min: { availableAt: true },
    }),
  ]);
  const points = fromBigInt((sums._sum.delta ?? 0n) + (sums._sum.pendingDelta ?? 0n));
  const pendingPoints = Math.min(points, fromBigInt(held._sum.remaining ?? 0n));
  return {
    status: points <= 0 ? "none" : pendingPoints > 0 ? "pending" : "earned",
    points: Math.max(0, points),
    pendingPoints: Math.max(0, pendingPoints),
    availableAt: pendingPoints > 0 ? (held._min.availableAt?.toISOString() ?? null) : null,
  };
}
