import type { PrismaClient } from "@prisma/client";
import { credit, debit, entryExists, lockMemberForCustomer, type Tx } from "~/loyalty/points/ledger.server";
import { endHolds } from "~/loyalty/points/holdout.server";
import { fromBigInt } from "~/db/bigint";
import { inTransaction } from "~/db/transaction.server";
import { expiresAtFor, loadShop, type LoadedShop } from "~/loyalty/program/program.server";
import type { AdjustmentRequest } from "./adjustments";

export type AdjustmentResult =
  | { status: "applied" | "duplicate"; balance: number; pending: number }
  | { status: "insufficient_points"; balance: number }
  | { status: "idempotency_key_reused" };

/**
 * A staff member adds or removes points by hand, with a reason. The caller's request key makes
 * a retried request harmless; the same key for another customer or other points is a client's
 * mistake, refused before anything (not even the member) is written. Removing more than the
 * member can spend is refused.
 */
export async function adjustPoints(
  tx: Tx,
  shop: LoadedShop,
  input: { customerId: string; points: number; reason: string; staffId: string | null; requestKey: string; now: Date },
): Promise<AdjustmentResult> {
  const key = `adjust:${input.requestKey}`;
  const earlier = await tx.ledgerEntry.findUnique({
    where: { shopId_idempotencyKey: { shopId: shop.id, idempotencyKey: key } },
    select: {
      delta: true,
      pendingDelta: true,
      member: { select: { shopifyCustomerId: true, balance: true, pending: true } },
    },
  });
  if (earlier) {
    const sameRequest =
      earlier.member.shopifyCustomerId === input.customerId &&
      fromBigInt(earlier.delta + earlier.pendingDelta) === input.points;
    if (!sameRequest) return { status: "idempotency_key_reused" };
    return {
      status: "duplicate",
      balance: fromBigInt(earlier.member.balance),
      pending: fromBigInt(earlier.member.pending),
    };
  }
  // The merchant's adjustment enrols the customer: a holdout's hold on them ends here (docs/roi.md).
  await endHolds(tx, shop.id, [input.customerId], input.now);
  const member = await lockMemberForCustomer(tx, shop.id, input.customerId);
  // A concurrent retry may have written it while this one waited for the member's lock.
  if (await entryExists(tx, shop.id, key))
    return { status: "duplicate", balance: member.balance, pending: member.pending };
  const cause = {
    key,
    kind: "adjust",
    reason: input.reason,
    staffId: input.staffId,
    sourceType: "staff",
    sourceId: input.staffId,
  } as const;
  if (input.points > 0) {
    await credit(tx, member, {
      ...cause,
      points: input.points,
      now: input.now,
      availableAt: input.now,
      expiresAt: expiresAtFor(shop.program, input.now),
      source: "adjustment",
    });
  } else {
    if (member.balance < -input.points) return { status: "insufficient_points", balance: member.balance };
    await debit(tx, member, { ...cause, points: -input.points, now: input.now, includePending: false });
  }
  return { status: "applied", balance: member.balance, pending: member.pending };
}

/** One validated adjustment in its own transaction: what both doors (the Admin API, the member page) call. */
export async function applyAdjustment(
  db: PrismaClient,
  shopId: string,
  input: AdjustmentRequest & { customerId: string; staffId: string | null; now: Date },
): Promise<AdjustmentResult> {
  const shop = await loadShop(db, shopId);
  return inTransaction(db, (tx) =>
    adjustPoints(tx, shop, {
      customerId: input.customerId,
      points: input.points,
      reason: input.reason,
      staffId: input.staffId,
      requestKey: input.idempotencyKey,
      now: input.now,
    }),
  );
}

/** The Shopify customer behind a member of the shop (null once erased); undefined when there is no such member. */
export async function customerOfMember(
  db: PrismaClient,
  shopId: string,
  memberId: string,
): Promise<string | null | undefined> {
  const member = await db.member.findFirst({ where: { id: memberId, shopId }, select: { shopifyCustomerId: true } });
  return member ? member.shopifyCustomerId : undefined;
}
