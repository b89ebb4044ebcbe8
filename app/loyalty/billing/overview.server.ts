import { Prisma, type AppSubscription, type PrismaClient } from "@prisma/client";
import { billingMode } from "~/config/env.server";
import { fromBigInt } from "~/db/bigint";
import { activeSubscription, currentSubscription } from "./billing.server";
import {
  BILLING_PLAN,
  billingPeriodEnd,
  capLevel,
  UNBILLED_REASONS,
  type SubscriptionStatus,
  type UnbilledReason,
  type UsageChargeStatus,
} from "./plan";

const PERIOD_MS = BILLING_PLAN.periodDays * 86_400_000;
/** The charges of a cycle the page lists, newest first; the rest are counted. */
const LISTED_CHARGES = 100;
/** Months of history the page shows, this one included. */
const HISTORY_MONTHS = 12;

/** The plan as the merchant reads it: amounts in minor units of `currencyCode`. */
export interface PlanTerms {
  feePerUse: number;
  defaultCap: number;
  currencyCode: string;
  periodDays: number;
  capChoices: number[];
}

export interface SubscriptionSummary {
  status: SubscriptionStatus;
  test: boolean;
  currencyCode: string;
  cappedAmount: number;
  /** What this cycle used of the cap: 0 once Shopify's period ended and a new one began. */
  balanceUsed: number;
  capLevel: 0 | 75 | 90 | 100;
  currentPeriodEnd: string | null;
  /** Shopify's approval page, while the subscription waits for the merchant. */
  confirmationUrl: string | null;
}

export interface ChargeRow {
  id: string;
  usedAt: string;
  description: string;
  amount: number;
  currencyCode: string;
  status: UsageChargeStatus;
  unbilledReason: UnbilledReason | null;
}

export interface MonthRow {
  /** "2026-11" (UTC). */
  month: string;
  uses: number;
  /** Minor units of the plan's currency. */
  billedAmount: number;
  unbilled: number;
}

export interface BillingOverview {
  billing: "on" | "off";
  plan: PlanTerms;
  subscription: SubscriptionSummary | null;
  cycle: {
    start: string;
    end: string;
    charges: ChargeRow[];
    /** Every use of the cycle, listed or not. */
    chargeCount: number;
    unbilled: Record<UnbilledReason, number>;
  };
  history: MonthRow[];
}

/**
 * The 30-day cycle `now` falls in. Shopify starts the next period when `periodEnd` passes, before
 * Tally hears of it: the cycle then rolls forward from the stored end. Without a period (no plan
 * approved), the last 30 days.
 */
export function currentCycle(periodEnd: Date | null, now: Date): { start: Date; end: Date } {
  if (!periodEnd) return { start: new Date(now.getTime() - PERIOD_MS), end: now };
  const end = billingPeriodEnd({ currentPeriodEnd: periodEnd, createdAt: periodEnd }, now);
  return { start: new Date(end.getTime() - PERIOD_MS), end };
}

/** What the stored balance says was used this cycle: nothing yet once its period has ended. */
export function usedThisCycle(
  subscription: Pick<AppSubscription, "balanceUsed" | "currentPeriodEnd">,
  now: Date,
): number {
  if (subscription.currentPeriodEnd && subscription.currentPeriodEnd <= now) return 0;
  return fromBigInt(subscription.balanceUsed);
}

function summary(subscription: AppSubscription, now: Date): SubscriptionSummary {
  const used = usedThisCycle(subscription, now);
  const cap = fromBigInt(subscription.cappedAmount);
  return {
    status: subscription.status as SubscriptionStatus,
    test: subscription.test,
    currencyCode: subscription.currencyCode,
    cappedAmount: cap,
    balanceUsed: used,
    capLevel: capLevel(used, cap),
    currentPeriodEnd: subscription.currentPeriodEnd?.toISOString() ?? null,
    confirmationUrl: subscription.confirmationUrl,
  };
}

/** Uses per month (UTC) since `since`, newest first. Charges are in the plan's currency. */
async function monthlyUses(db: PrismaClient, shopId: string, since: Date): Promise<MonthRow[]> {
  const rows = await db.$queryRaw<{ month: string; uses: number; billed: bigint; unbilled: number }[]>(Prisma.sql`
    SELECT to_char(date_trunc('month', "usedAt"), 'YYYY-MM') AS month,
           count(*)::int AS uses,
           coalesce(sum(amount) FILTER (WHERE status = 'billed'), 0)::bigint AS billed,
           (count(*) FILTER (WHERE status = 'unbilled'))::int AS unbilled
      FROM "UsageCharge"
     WHERE "shopId" = ${shopId} AND "usedAt" >= ${since}
     GROUP BY 1
     ORDER BY 1 DESC`);
  return rows.map((row) => ({
    month: row.month,
    uses: row.uses,
    billedAmount: fromBigInt(row.billed),
    unbilled: row.unbilled,
  }));
}

/** The first instant of the month `count - 1` months before `now`'s (UTC). */
function startOfMonthsAgo(now: Date, count: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1), 1));
}

/**
 * The billing page: the plan, the subscription (the active one, else the newest), this cycle's
 * uses with what was billed and why the rest was not, and the last twelve months.
 */
export async function billingOverview(db: PrismaClient, shopId: string, now: Date): Promise<BillingOverview> {
  const subscription = (await activeSubscription(db, shopId)) ?? (await currentSubscription(db, shopId));
  const { start, end } = currentCycle(subscription?.status === "ACTIVE" ? subscription.currentPeriodEnd : null, now);
  const inCycle = { shopId, usedAt: { gte: start } };
  const [charges, chargeCount, unbilledByReason, history] = await Promise.all([
    db.usageCharge.findMany({ where: inCycle, orderBy: { usedAt: "desc" }, take: LISTED_CHARGES }),
    db.usageCharge.count({ where: inCycle }),
    db.usageCharge.groupBy({
      by: ["unbilledReason"],
      where: { ...inCycle, status: "unbilled" },
      _count: { _all: true },
    }),
    monthlyUses(db, shopId, startOfMonthsAgo(now, HISTORY_MONTHS)),
  ]);
  const unbilled = Object.fromEntries(UNBILLED_REASONS.map((reason) => [reason, 0])) as Record<UnbilledReason, number>;
  for (const group of unbilledByReason) {
    const reason = (group.unbilledReason ?? "failed") as UnbilledReason;
    unbilled[reason] += group._count._all;
  }
  return {
    billing: billingMode(),
    plan: {
      feePerUse: BILLING_PLAN.feePerUse,
      defaultCap: BILLING_PLAN.defaultCap,
      currencyCode: BILLING_PLAN.currencyCode,
      periodDays: BILLING_PLAN.periodDays,
      capChoices: [...BILLING_PLAN.capChoices],
    },
    subscription: subscription ? summary(subscription, now) : null,
    cycle: {
      start: start.toISOString(),
      end: end.toISOString(),
      charges: charges.map((charge) => ({
        id: charge.id,
        usedAt: charge.usedAt.toISOString(),
        description: charge.description,
        amount: fromBigInt(charge.amount),
        currencyCode: charge.currencyCode,
        status: charge.status as UsageChargeStatus,
        unbilledReason: charge.unbilledReason as UnbilledReason | null,
      })),
      chargeCount,
      unbilled,
    },
    history,
  };
}

/**
 * Whether Tally asked this shop to approve its plan since it was installed: a subscription that is
 * pending, active, frozen or declined. One cancelled (the app was uninstalled) or expired
 * unanswered is not: the merchant is asked again.
 */
export async function planAsked(db: PrismaClient, shopId: string): Promise<boolean> {
  const current = await currentSubscription(db, shopId);
  return current !== null && current.status !== "CANCELLED" && current.status !== "EXPIRED";
}

/** What every admin page warns about billing: the plan to approve, or a cycle near or at its cap. */
export type BillingNotice = { kind: "approve" } | { kind: "cap"; level: 75 | 90 | 100; percent: number };

export async function billingNotice(db: PrismaClient, shopDomain: string, now: Date): Promise<BillingNotice | null> {
  if (billingMode() === "off") return null;
  // Read, not ensured: the page's own loader creates the shop on first use, at the same time.
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  const active = shop && (await activeSubscription(db, shop.id));
  if (!active) return { kind: "approve" };
  const used = usedThisCycle(active, now);
  const cap = fromBigInt(active.cappedAmount);
  const level = capLevel(used, cap);
  if (!level) return null;
  return { kind: "cap", level, percent: cap > 0 ? Math.min(100, Math.floor((used * 100) / cap)) : 100 };
}
