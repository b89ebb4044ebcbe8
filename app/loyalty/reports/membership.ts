import { minorUnitDigits } from "~/money/currency";
import { toUnits } from "~/money/money";

/**
 * The paid membership's figures (issue 22), the pure part: the months they cover and what the
 * counts per month add up to. The counts come from app/loyalty/reports/membership.server.ts.
 */

export const FIGURE_MONTHS = 12;

/** The first instant (UTC) of each of the last `count` months, the current one last. */
export function lastMonths(now: Date, count = FIGURE_MONTHS): Date[] {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  return Array.from({ length: count }, (_, index) => new Date(Date.UTC(year, month - (count - 1 - index), 1)));
}

/** "2026-11" for a month's first instant. */
export const monthKey = (start: Date) => start.toISOString().slice(0, 7);

/** Lapsed ÷ members at the month's start; null when there were none (no rate to speak of). */
export function churnRate(lapsed: number, activeAtStart: number): number | null {
  return activeAtStart > 0 ? lapsed / activeAtStart : null;
}

export interface MembershipMonth {
  /** "2026-11" */
  month: string;
  /** Memberships that began this month (a first purchase, or one after a lapse past the grace). */
  started: number;
  /** Paid lines that extended a running membership this month (subscription renewals included). */
  renewed: number;
  /** Memberships whose end plus the grace fell this month, not renewed. */
  lapsed: number;
  /** Paying members (or in their grace) when the month began. */
  activeAtStart: number;
  churn: number | null;
  /** What members paid for the membership this month, per currency, in whole units; refunded lines excluded. */
  revenue: { currencyCode: string | null; amount: number }[];
}

/** Average spend per paid order: orders placed while paying for the membership, and all others. */
export interface SpendComparison {
  currencyCode: string | null;
  members: { orders: number; average: number | null };
  others: { orders: number; average: number | null };
}

export interface MembershipFigures {
  /** Members whose membership is active or in its grace now. */
  activeMembers: number;
  months: MembershipMonth[];
  spend: SpendComparison | null;
}

export interface MonthCounts {
  month: string;
  count: number;
}

export interface MonthRevenue {
  month: string;
  currencyCode: string | null;
  minorUnits: bigint;
}

/** One row per month, in order, from the counts the queries return (months without rows count 0). */
export function assembleMonths(
  months: Date[],
  counts: {
    started: MonthCounts[];
    renewed: MonthCounts[];
    lapsed: MonthCounts[];
    activeAtStart: MonthCounts[];
    revenue: MonthRevenue[];
  },
): MembershipMonth[] {
  const lookup = (rows: MonthCounts[]) => new Map(rows.map((row) => [row.month, row.count]));
  const started = lookup(counts.started);
  const renewed = lookup(counts.renewed);
  const lapsed = lookup(counts.lapsed);
  const active = lookup(counts.activeAtStart);
  return months.map((start) => {
    const month = monthKey(start);
    const activeAtStart = active.get(month) ?? 0;
    const lapsedCount = lapsed.get(month) ?? 0;
    return {
      month,
      started: started.get(month) ?? 0,
      renewed: renewed.get(month) ?? 0,
      lapsed: lapsedCount,
      activeAtStart,
      churn: churnRate(lapsedCount, activeAtStart),
      revenue: counts.revenue
        .filter((row) => row.month === month)
        .map((row) => ({
          currencyCode: row.currencyCode,
          amount: toUnits(row.minorUnits, minorUnitDigits(row.currencyCode)),
        }))
        .sort((a, b) => String(a.currencyCode).localeCompare(String(b.currencyCode))),
    };
  });
}

export interface SpendRow {
  paying: boolean;
  currencyCode: string | null;
  orders: number;
  minorUnits: bigint;
}

/**
 * Members' and others' average order, in the currency most orders were paid in (a shop that
 * changed currency compares like with like).
 */
export function compareSpend(rows: SpendRow[]): SpendComparison | null {
  if (!rows.length) return null;
  const byCurrency = Map.groupBy(rows, (row) => row.currencyCode);
  const [currencyCode, group] = [...byCurrency].sort(
    ([, a], [, b]) => b.reduce((n, row) => n + row.orders, 0) - a.reduce((n, row) => n + row.orders, 0),
  )[0]!;
  const side = (paying: boolean) => {
    const row = group.find((candidate) => candidate.paying === paying);
    if (!row || row.orders === 0) return { orders: 0, average: null };
    const digits = minorUnitDigits(currencyCode);
    return { orders: row.orders, average: toUnits(row.minorUnits, digits) / row.orders };
  };
  return { currencyCode, members: side(true), others: side(false) };
}
