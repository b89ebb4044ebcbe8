import type { Order, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { fromBigInt } from "~/db/bigint";
import { NOW_UTC } from "~/db/clock.server";
import { rows } from "~/db/rows";
import type { ShopperLanguage } from "~/languages";
import type { EligibleLine } from "~/loyalty/points/earning";
import { flowTriggerLanguage, queueFlowEvent } from "~/loyalty/points/flow-events.server";
import {
  credit,
  debit,
  entryExists,
  lockMemberForCustomer,
  type LockedMember,
  type Tx,
} from "~/loyalty/points/ledger.server";
import type { Cause } from "~/loyalty/program/program";
import { expiresAtFor, type LoadedShop } from "~/loyalty/program/program.server";
import { minorUnitDigits } from "~/money/currency";
import { toUnits } from "~/money/money";
import type { RefundLine } from "~/shopify/order-payloads";
import {
  activeCauses,
  causeText,
  donationBonusPoints,
  donationLines,
  givesPoints,
  isWholeSteps,
  pointsValueCents,
  type DonationLine,
} from "./giving";

/**
 * Giving back (issue 24, docs/giving.md): the money a round-up line of an order gives (one Donation
 * row per line, rewritten from the order's facts on every delivery, so duplicates, reorderings,
 * refunds and cancellations converge), the member's bonus for it, and points a member gives to a
 * cause (a debit keyed by the shopper's request).
 */

const DAY_MS = 86_400_000;

/** The order's round-up lines after its refunds: what its donations give now (none on a test order). */
export async function settleOrderDonations(
  tx: Tx,
  shop: LoadedShop,
  order: Order,
  member: LockedMember | null,
  knownRefunds: RefundLine[][] | null,
  now: Date,
): Promise<void> {
  if (!order.paidAt || order.test || shop.program.giving.roundUp.variantId === null) return;
  const lines = (order.lines ?? []) as unknown as EligibleLine[];
  if (!lines.some((line) => line.variantId === shop.program.giving.roundUp.variantId)) return;
  const refunds = knownRefunds ?? (await refundLinesOf(tx, order.id));
  const donations = donationLines(shop.program, lines, refunds, order.cancelledAt !== null);
  const donatedAt = order.placedAt ?? order.paidAt;
  const firstSeen: DonationLine[] = [];
  for (const donation of donations) {
    const [written] = await tx.$queryRaw<{ inserted: boolean }[]>`
      INSERT INTO "Donation" (id, "shopId", "causeId", "orderId", "shopifyOrderId", "lineItemId", "memberId", "shopifyCustomerId",
                              "donatedAt", bought, quantity, "amountCents", "currencyCode", "createdAt", "updatedAt")
      VALUES (gen_random_uuid()::text, ${shop.id}, ${donation.causeId}, ${order.id}, ${order.shopifyOrderId}, ${donation.lineItemId},
              ${member?.id ?? null}, ${order.shopifyCustomerId}, ${donatedAt}, ${donation.bought}, ${donation.quantity},
              ${donation.amountCents}, ${order.currencyCode}, ${NOW_UTC}, ${NOW_UTC})
      ON CONFLICT ("shopId", "shopifyOrderId", "lineItemId") DO UPDATE
        SET quantity = EXCLUDED.quantity, "amountCents" = EXCLUDED."amountCents",
            "memberId" = COALESCE(EXCLUDED."memberId", "Donation"."memberId"),
            "shopifyCustomerId" = EXCLUDED."shopifyCustomerId", "updatedAt" = EXCLUDED."updatedAt"
        WHERE "Donation".quantity <> EXCLUDED.quantity
           OR "Donation"."memberId" IS DISTINCT FROM COALESCE(EXCLUDED."memberId", "Donation"."memberId")
      RETURNING (xmax = 0) AS inserted`;
    if (written?.inserted && donation.quantity > 0) firstSeen.push(donation);
  }
  if (!member) return;
  await settleDonationBonus(tx, shop, order, member, donations, now);
  for (const donation of firstSeen) {
    await announceDonation(tx, shop, member, {
      eventKey: `donation:${order.shopifyOrderId}:${donation.lineItemId}`,
      causeId: donation.causeId,
      kind: "round_up",
      amountCents: donation.amountCents,
      currencyCode: order.currencyCode,
      points: 0,
      orderId: order.shopifyOrderId,
      now,
    });
  }
}

async function refundLinesOf(tx: Tx, orderId: string): Promise<RefundLine[][]> {
  const refunds = await tx.orderRefund.findMany({
    where: { orderId },
    select: { lines: true },
    orderBy: [{ createdAt: "asc" }, { shopifyRefundId: "asc" }],
  });
  return refunds.map((refund) => refund.lines as unknown as RefundLine[]);
}

/**
 * The program's bonus for giving at checkout, once per order (key `donation:<order>:bonus`), held
 * like the order's points; taken back, from its own lot first, once nothing the order gave counts.
 */
async function settleDonationBonus(
  tx: Tx,
  shop: LoadedShop,
  order: Order,
  member: LockedMember,
  donations: DonationLine[],
  now: Date,
) {
  const key = `donation:${order.shopifyOrderId}:bonus`;
  const given = donations.reduce((sum, donation) => sum + donation.amountCents, 0n);
  if (given > 0n) {
    if (!shop.program.enabled) return;
    const placedAt = order.placedAt ?? order.paidAt!;
    const heldUntil = new Date(placedAt.getTime() + order.holdDays * DAY_MS);
    await credit(tx, member, {
      key,
      kind: "bonus",
      points: donationBonusPoints(shop.program.giving, given, minorUnitDigits(order.currencyCode)),
      now,
      availableAt: heldUntil > now ? heldUntil : now,
      expiresAt: expiresAtFor(shop.program, placedAt),
      source: key,
      sourceType: "donation",
      sourceId: order.shopifyOrderId,
    });
    return;
  }
  const [bonus] = await tx.$queryRaw<{ points: bigint }[]>`
    SELECT delta + "pendingDelta" AS points FROM "LedgerEntry" WHERE "shopId" = ${shop.id} AND "idempotencyKey" = ${key}`;
  if (!bonus || (await entryExists(tx, shop.id, `${key}:reverse`))) return;
  await debit(tx, member, {
    key: `${key}:reverse`,
    kind: "reverse",
    points: fromBigInt(bonus.points),
    now,
    fromSource: key,
    includePending: true,
    sourceType: "donation",
    sourceId: order.shopifyOrderId,
  });
}

/** Flow's "Loyalty donation made", in the shop's language, for a shop with a workflow on it. */
async function announceDonation(
  tx: Tx,
  shop: LoadedShop,
  member: LockedMember,
  donation: {
    eventKey: string;
    causeId: string;
    kind: "round_up" | "points";
    amountCents: bigint;
    currencyCode: string | null;
    points: number;
    orderId: string;
    now: Date;
  },
) {
  const language = await flowTriggerLanguage(tx, shop.id, "donationMade");
  if (!language) return;
  const cause = shop.program.giving.causes.find((candidate) => candidate.id === donation.causeId);
  await queueFlowEvent(
    tx,
    shop.id,
    "donationMade",
    donation.eventKey,
    member.id,
    {
      "Cause id": donation.causeId,
      "Cause name": cause ? causeText(cause, language).name : donation.causeId,
      Kind: donation.kind,
      Amount: toUnits(donation.amountCents, minorUnitDigits(donation.currencyCode)),
      Currency: donation.currencyCode ?? "",
      Points: donation.points,
      "Order id": donation.orderId,
    },
    donation.now,
  );
}

export type PointsDonationResult =
  | { status: "created" | "duplicate"; donation: PublicPointsDonation; balance: number }
  | { status: "insufficient_points"; balance: number; pointsNeeded: number }
  | { status: "giving_closed" | "unknown_cause" | "invalid_points" | "idempotency_key_reused" };

export interface PublicPointsDonation {
  id: string;
  causeId: string;
  points: number;
  valueCents: number;
  currencyCode: string | null;
}

const pointsDonationRow = z.object({
  id: z.string(),
  causeId: z.string(),
  points: z.number().int(),
  valueCents: z.bigint(),
  currencyCode: z.string().nullable(),
  shopifyCustomerId: z.string().nullable(),
});

const publicDonation = (row: z.output<typeof pointsDonationRow>): PublicPointsDonation => ({
  id: row.id,
  causeId: row.causeId,
  points: row.points,
  valueCents: fromBigInt(row.valueCents),
  currencyCode: row.currencyCode,
});

/** The shopper's key, made theirs by the member's id (as a redemption's: opaque after erasure). */
const memberRequestKey = (memberId: string, key: string) => `member:${memberId}:${key}`;

async function earlierDonation(tx: Tx, shopId: string, requestKey: string) {
  const [row] = rows(
    pointsDonationRow,
    await tx.$queryRaw`
      SELECT d.id, d."causeId", d.points, d."valueCents", d."currencyCode", m."shopifyCustomerId"
        FROM "PointsDonation" d LEFT JOIN "Member" m ON m.id = d."memberId"
       WHERE d."shopId" = ${shopId} AND d."requestKey" = ${requestKey}`,
  );
  return row;
}

/**
 * A member gives points to a cause: the debit (kind redeem, from spendable points only) and the
 * PointsDonation with its money value at the program's rate are one transaction under the member's
 * lock, so concurrent requests cannot overspend. The same request key returns the same donation;
 * the same key for another cause or other points is refused before anything is written.
 */
export async function donatePoints(
  tx: Tx,
  shop: LoadedShop,
  input: { customerId: string; causeId: string; points: number; requestKey: string; now: Date },
): Promise<PointsDonationResult> {
  const known = await tx.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId: shop.id, shopifyCustomerId: input.customerId } },
    select: { id: true, balance: true },
  });
  const same = (row: z.output<typeof pointsDonationRow>) =>
    row.shopifyCustomerId === input.customerId && row.causeId === input.causeId && row.points === input.points;
  const earlier = known && (await earlierDonation(tx, shop.id, memberRequestKey(known.id, input.requestKey)));
  if (earlier) {
    return same(earlier)
      ? { status: "duplicate", donation: publicDonation(earlier), balance: fromBigInt(known.balance) }
      : { status: "idempotency_key_reused" };
  }
  const { giving } = shop.program;
  if (!givesPoints(shop.program, input.now)) return { status: "giving_closed" };
  const cause = activeCauses(giving, input.now).find((candidate) => candidate.id === input.causeId);
  if (!cause) return { status: "unknown_cause" };
  if (!isWholeSteps(input.points, giving.points.step)) return { status: "invalid_points" };

  const member = await lockMemberForCustomer(tx, shop.id, input.customerId);
  const requestKey = memberRequestKey(member.id, input.requestKey);
  // A concurrent retry may have given while this one waited for the member's lock.
  const concurrent = await earlierDonation(tx, shop.id, requestKey);
  if (concurrent) return { status: "duplicate", donation: publicDonation(concurrent), balance: member.balance };
  if (member.balance < input.points) {
    return { status: "insufficient_points", balance: member.balance, pointsNeeded: input.points };
  }
  const currencyCode = await shopCurrency(tx, shop.id);
  const valueCents = pointsValueCents(input.points, giving.points.pointsPerUnit, minorUnitDigits(currencyCode));
  const created = await tx.pointsDonation.create({
    data: {
      shopId: shop.id,
      memberId: member.id,
      requestKey,
      causeId: cause.id,
      points: input.points,
      valueCents,
      currencyCode,
      createdAt: input.now,
    },
  });
  await debit(tx, member, {
    key: `donation:${created.id}:debit`,
    kind: "redeem",
    points: input.points,
    now: input.now,
    includePending: false,
    sourceType: "donation",
    sourceId: created.id,
    reason: cause.name,
  });
  await announceDonation(tx, shop, member, {
    eventKey: `donation:${created.id}`,
    causeId: cause.id,
    kind: "points",
    amountCents: valueCents,
    currencyCode,
    points: input.points,
    orderId: "",
    now: input.now,
  });
  return {
    status: "created",
    donation: publicDonation({ ...created, shopifyCustomerId: input.customerId }),
    // debit keeps the locked member's balance current.
    balance: member.balance,
  };
}

async function shopCurrency(db: Tx | PrismaClient, shopId: string): Promise<string | null> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { currencyCode: true } });
  return shop?.currencyCode ?? null;
}

const yearStart = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), 0, 1));

/**
 * What the member gave this calendar year (UTC): round-ups still counting plus the money value of
 * points given, in the shop's currency. Null when the program has no giving.
 */
export async function memberGiving(db: PrismaClient, shop: LoadedShop, memberId: string | null, now: Date) {
  if (!shop.program.giving.enabled) return null;
  const since = yearStart(now);
  const [row] = memberId
    ? await db.$queryRaw<{ money: bigint; value: bigint; points: bigint; currency: string | null }[]>`
        SELECT (SELECT COALESCE(SUM("amountCents"), 0)::bigint FROM "Donation" WHERE "memberId" = ${memberId} AND "donatedAt" >= ${since}) AS money,
               (SELECT COALESCE(SUM("valueCents"), 0)::bigint FROM "PointsDonation" WHERE "memberId" = ${memberId} AND "createdAt" >= ${since}) AS value,
               (SELECT COALESCE(SUM(points), 0)::bigint FROM "PointsDonation" WHERE "memberId" = ${memberId} AND "createdAt" >= ${since}) AS points,
               (SELECT "currencyCode" FROM "Shop" WHERE id = ${shop.id}) AS currency`
    : [];
  return {
    year: now.getUTCFullYear(),
    givenCents: fromBigInt((row?.money ?? 0n) + (row?.value ?? 0n)),
    currencyCode: row?.currency ?? (await shopCurrency(db, shop.id)),
    pointsGiven: fromBigInt(row?.points ?? 0n),
  };
}

/** The causes a storefront shows, in the shopper's language, with what was given to each so far and by how many. */
export async function causeTotals(db: PrismaClient, shop: LoadedShop, language: ShopperLanguage, now: Date) {
  const { giving } = shop.program;
  const causes: Cause[] = giving.enabled ? activeCauses(giving, now) : [];
  if (!causes.length) return { causes: [] };
  const ids = causes.map((cause) => cause.id);
  const totals = await db.$queryRaw<{ causeId: string; cents: bigint; donors: bigint }[]>`
    SELECT "causeId", SUM(cents)::bigint AS cents, COUNT(DISTINCT donor)::bigint AS donors FROM (
      SELECT "causeId", "amountCents" AS cents, COALESCE("memberId", "shopifyCustomerId", 'order:' || "shopifyOrderId") AS donor
        FROM "Donation" WHERE "shopId" = ${shop.id} AND "causeId" = ANY(${ids}) AND quantity > 0
      UNION ALL
      SELECT "causeId", "valueCents", COALESCE("memberId", id) FROM "PointsDonation" WHERE "shopId" = ${shop.id} AND "causeId" = ANY(${ids})
    ) given GROUP BY "causeId"`;
  const currencyCode = await shopCurrency(db, shop.id);
  const byCause = new Map(totals.map((total) => [total.causeId, total]));
  return {
    causes: causes.map((cause) => ({
      ...causeText(cause, language),
      totalCents: fromBigInt(byCause.get(cause.id)?.cents ?? 0n),
      currencyCode,
      donors: fromBigInt(byCause.get(cause.id)?.donors ?? 0n),
    })),
  };
}

/** customers/redact: the shopper's round-ups stay owed to their causes, no longer tied to the customer (the member row is anonymous by then). */
export async function eraseDonorCustomer(
  tx: Tx,
  shopId: string,
  shopper: { shopifyCustomerId: string; orders: string[] },
) {
  await tx.donation.updateMany({
    where: {
      shopId,
      OR: [{ shopifyCustomerId: shopper.shopifyCustomerId }, { shopifyOrderId: { in: shopper.orders } }],
    },
    data: { shopifyCustomerId: null },
  });
}

/** customers/merge: what the merged customer gave is the kept customer's (their year's total, the donor counts). */
export async function moveDonations(tx: Tx, fromMemberId: string, to: { memberId: string; shopifyCustomerId: string }) {
  await tx.donation.updateMany({ where: { memberId: fromMemberId }, data: to });
  await tx.pointsDonation.updateMany({ where: { memberId: fromMemberId }, data: { memberId: to.memberId } });
}
