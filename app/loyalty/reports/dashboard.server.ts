import { Prisma, type PrismaClient } from "@prisma/client";
import { minorUnitDigits } from "~/money/currency";
import { totalInUnits, toUnits } from "~/money/money";
import { z } from "zod";
import type { LoadedShop } from "~/loyalty/program/program.server";
import { liabilityBasis, liabilityMinorUnits } from "./liability";
import { hasReferralData, referralFigures, type ReferralFigures } from "./referrals.server";

/**
 * The admin dashboard's figures for one shop over a date range: four aggregate queries, each
 * scoped by the shop's id. Points are read from the ledger (the source of truth), not from lots.
 */

const DAY_MS = 86_400_000;
/** Two years of daily points keeps the chart's series small enough to send whole. */
const MAX_RANGE_DAYS = 731;

/** The route parses `?from=…&to=…` with this; `to` is exclusive. */
export const dashboardRangeSchema = z
  .object({ from: z.coerce.date(), to: z.coerce.date() })
  .refine((range) => range.to > range.from, { message: "to must be after from", path: ["to"] })
  .refine((range) => range.to.getTime() - range.from.getTime() <= MAX_RANGE_DAYS * DAY_MS, {
    message: `at most ${MAX_RANGE_DAYS} days`,
    path: ["to"],
  });

export type DashboardRange = z.infer<typeof dashboardRangeSchema>;

/** A page's `?from=…&to=…`, the last 30 UTC days through today when absent. */
export function dashboardRangeFromSearch(search: URLSearchParams, now = new Date()) {
  const today = new Date(now.toISOString().slice(0, 10));
  return dashboardRangeSchema.safeParse({
    from: search.get("from") ?? new Date(today.getTime() - 29 * DAY_MS),
    to: search.get("to") ?? new Date(today.getTime() + DAY_MS),
  });
}

export interface DashboardDay {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  issued: number;
  redeemed: number;
  expired: number;
}

/** The reward the liability is valued at, its amount in whole units of the shop's currency for display. */
export interface LiabilityBasisFigure {
  rewardId: string;
  rewardName: string;
  points: number;
  amount: number;
}

export interface DashboardMetrics {
  range: DashboardRange;
  /** Members still linked to a customer (not deleted, merged away or redacted). */
  members: { total: number; newInRange: number };
  points: {
    /** Earned on orders, bonuses, actions, imports and staff additions (pending included). */
    issued: number;
    /** Spent on rewards, less points given back for codes that failed or expired unused. */
    redeemed: number;
    expired: number;
    /** Taken back for refunded or cancelled orders. */
    reversed: number;
    /** Removed by staff. */
    deducted: number;
  };
  /** redeemed ÷ issued over the range; null when nothing was issued. */
  redemptionRate: number | null;
  /** Points members hold now (not limited to the range). */
  outstanding: { balance: number; pending: number };
  /**
   * What the spendable outstanding points (pending ones excluded) could cost the shop, in whole
   * units of its currency for display, computed exactly in minor units; null without a basis.
   */
  liability: { amount: number | null; currencyCode: string | null; basis: LiabilityBasisFigure | null };
  /**
   * Points-eligible sales (before tax, after discounts, without gift cards; refunds not deducted)
   * of paid, non-test, non-cancelled orders placed in the range. Tally records every paid order
   * Shopify sends it, guests' included, so orders without a member are "others".
   */
  revenue: {
    currencyCode: string | null;
    /** In whole units of the shop's currency, for display (summed exactly from minor units). */
    members: { orders: number; amount: number };
    others: { orders: number; amount: number };
  };
  /** Up to five rewards by redemptions in the range (failed codes left out). */
  topRewards: { rewardId: string; name: string; redemptions: number; points: number }[];
  /** One entry per UTC day of the range, zeros included; sums to `points`. */
  series: DashboardDay[];
  /** The referral program's figures; null while it is off and has never had a referral. */
  referrals: ReferralFigures | null;
}

/** Kinds that create points; `adjust` counts only when positive, `import` is a migrated balance. */
const ISSUING_KINDS = ["earn", "bonus", "action", "partner", "import"];

export async function dashboardMetrics(
  db: PrismaClient,
  shop: LoadedShop,
  range: DashboardRange,
  currencyCode: string | null,
): Promise<DashboardMetrics> {
  const { from, to } = dashboardRangeSchema.parse(range);
  const [ledgerDays, [members], orderGroups, topRewards, referrals] = await Promise.all([
    // delta + pendingDelta: a pending credit is issued when earned, not when released.
    db.$queryRaw<
      { day: string; issued: bigint; redeemed: bigint; expired: bigint; reversed: bigint; deducted: bigint }[]
    >`
      SELECT to_char("createdAt", 'YYYY-MM-DD') AS day,
             COALESCE(SUM(delta + "pendingDelta") FILTER (WHERE kind IN (${Prisma.join(ISSUING_KINDS)})
                                                           OR (kind = 'adjust' AND delta + "pendingDelta" > 0)), 0)::bigint AS issued,
             COALESCE(-SUM(delta + "pendingDelta") FILTER (WHERE kind = 'redeem'
                                                           OR (kind = 'reverse' AND "sourceType" = 'redemption')), 0)::bigint AS redeemed,
             COALESCE(-SUM(delta + "pendingDelta") FILTER (WHERE kind = 'expire'), 0)::bigint AS expired,
             COALESCE(-SUM(delta + "pendingDelta") FILTER (WHERE kind = 'reverse'
                                                           AND "sourceType" IN ('refund', 'cancellation')), 0)::bigint AS reversed,
             COALESCE(-SUM(delta + "pendingDelta") FILTER (WHERE kind = 'adjust' AND delta + "pendingDelta" < 0), 0)::bigint AS deducted
        FROM "LedgerEntry"
       WHERE "shopId" = ${shop.id} AND "createdAt" >= ${from} AND "createdAt" < ${to}
       GROUP BY 1`,
    db.$queryRaw<{ total: number; newInRange: number; balance: bigint; pending: bigint }[]>`
      SELECT COUNT(*)::int AS total,
             COUNT(*) FILTER (WHERE "createdAt" >= ${from} AND "createdAt" < ${to})::int AS "newInRange",
             COALESCE(SUM(balance), 0)::bigint AS balance,
             COALESCE(SUM(pending), 0)::bigint AS pending
        FROM "Member"
       WHERE "shopId" = ${shop.id} AND "deletedAt" IS NULL AND "redactedAt" IS NULL`,
    db.$queryRaw<{ member: boolean; currencyCode: string | null; orders: number; minorUnits: bigint }[]>`
      SELECT "memberId" IS NOT NULL AS member, "currencyCode", COUNT(*)::int AS orders, COALESCE(SUM("eligibleCents"), 0)::bigint AS "minorUnits"
        FROM "Order"
       WHERE "shopId" = ${shop.id} AND "paidAt" IS NOT NULL AND NOT test AND "cancelledAt" IS NULL
         AND COALESCE("placedAt", "paidAt") >= ${from} AND COALESCE("placedAt", "paidAt") < ${to}
       GROUP BY 1, 2`,
    // The name as the latest redemption stored it: the program may have renamed or removed the reward.
    db.$queryRaw<{ rewardId: string; name: string; redemptions: number; points: bigint }[]>`
      SELECT "rewardId", (array_agg(reward->>'name' ORDER BY "createdAt" DESC))[1] AS name,
             COUNT(*)::int AS redemptions, SUM("pointsSpent")::bigint AS points
        FROM "Redemption"
       WHERE "shopId" = ${shop.id} AND "createdAt" >= ${from} AND "createdAt" < ${to} AND status <> 'failed'
       GROUP BY "rewardId"
       ORDER BY redemptions DESC, points DESC, "rewardId"
       LIMIT 5`,
    shopHasReferrals(db, shop).then((shown) => (shown ? referralFigures(db, shop.id, { from, to }) : null)),
  ]);

  const byDay = new Map(ledgerDays.map((row) => [row.day, row]));
  const series: DashboardDay[] = utcDays(from, to).map((day) => {
    const row = byDay.get(day);
    return {
      day,
      issued: Number(row?.issued ?? 0),
      redeemed: Number(row?.redeemed ?? 0),
      expired: Number(row?.expired ?? 0),
    };
  });
  const total = (field: "issued" | "redeemed" | "expired" | "reversed" | "deducted") =>
    ledgerDays.reduce((sum, row) => sum + Number(row[field]), 0);
  const points = {
    issued: total("issued"),
    redeemed: total("redeemed"),
    expired: total("expired"),
    reversed: total("reversed"),
    deducted: total("deducted"),
  };

  const balance = Number(members?.balance ?? 0);
  const basis = liabilityBasis(shop.program, currencyCode);
  const digits = minorUnitDigits(currencyCode);
  const orderGroup = (member: boolean) => {
    const groups = orderGroups.filter((row) => row.member === member);
    return { orders: groups.reduce((sum, group) => sum + group.orders, 0), amount: totalInUnits(groups) };
  };
  return {
    range: { from, to },
    members: { total: members?.total ?? 0, newInRange: members?.newInRange ?? 0 },
    points,
    redemptionRate: points.issued > 0 ? points.redeemed / points.issued : null,
    outstanding: { balance, pending: Number(members?.pending ?? 0) },
    liability: {
      amount: basis ? toUnits(liabilityMinorUnits(balance, basis), digits) : null,
      currencyCode,
      basis: basis && {
        rewardId: basis.rewardId,
        rewardName: basis.rewardName,
        points: basis.points,
        amount: toUnits(basis.amountMinorUnits, digits),
      },
    },
    revenue: { currencyCode, members: orderGroup(true), others: orderGroup(false) },
    topRewards: topRewards.map((row) => ({ ...row, points: Number(row.points) })),
    series,
    referrals,
  };
}

const shopHasReferrals = async (db: PrismaClient, shop: LoadedShop) =>
  shop.program.referrals.enabled || (await hasReferralData(db, shop.id));

/** Every UTC day that [from, to) touches, as YYYY-MM-DD. */
function utcDays(from: Date, to: Date): string[] {
  const days: string[] = [];
  const last = to.getTime() - 1;
  for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day <= last; day += DAY_MS) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  return days;
}
