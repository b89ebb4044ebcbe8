import { z } from "zod";
import { monthsOf, rangeBounds, type MonthRange } from "./giving";

/**
 * The ROI figures (issue 25, docs/roi.md), the pure part: the range of months they cover and what
 * the sums app/loyalty/reports/roi.server.ts reads add up to. Money stays in integer minor units of
 * its currency.
 */

/** The default range: the last 12 months (UTC), the current one included. */
export const DEFAULT_MONTHS = 12;
/** The longest range: five years of months (retention curves have one column per month). */
export const MAX_ROI_MONTHS = 60;
/** Days in an average Gregorian month: revenue per month is revenue ÷ days observed × this. */
export const AVERAGE_MONTH_DAYS = 365.2425 / 12;
/** A customer is retained when they ordered again within this many days of their first order. */
export const RETENTION_DAYS = 90;

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
const monthNumber = (value: string) => Number(value.slice(0, 4)) * 12 + Number(value.slice(5, 7)) - 1;
const monthText = (index: number) =>
  `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;

/**
 * `?from=YYYY-MM&to=YYYY-MM`, both months included; left out, the last 12 months ending with the
 * current one. Fails on a malformed month, `to` before `from`, or more than MAX_ROI_MONTHS.
 */
export function roiRangeSchema(now: Date) {
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
  return z
    .object({
      from: month.default(monthText(current - DEFAULT_MONTHS + 1)),
      to: month.default(monthText(current)),
    })
    .refine(({ from, to }) => monthNumber(to) >= monthNumber(from), { message: "to is before from", path: ["to"] })
    .refine(({ from, to }) => monthNumber(to) - monthNumber(from) < MAX_ROI_MONTHS, {
      message: `at most ${MAX_ROI_MONTHS} months`,
      path: ["to"],
    });
}

/** The range as instants: its first month's first day, and the end of its last month or now, whichever comes first. */
export function roiBounds(range: MonthRange, now: Date): { start: Date; end: Date } {
  const { start, end } = rangeBounds(range);
  return { start, end: end < now ? end : now };
}

/** Revenue per month over the days it was observed, in minor units (rounded); null with no days. */
export function perMonth(minorUnits: number, days: number): number | null {
  return days > 0 ? Math.round((minorUnits * AVERAGE_MONTH_DAYS) / days) : null;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** The database's counts for one group (members' orders, or customers' orders while not members). */
export interface GroupRow {
  member: boolean;
  customers: number;
  orders: number;
  /** Customers with two orders or more in the range. */
  repeaters: number;
  /** Customers whose first order in the range leaves 90 days to watch before its end. */
  retentionBase: number;
  /** Of those, the ones with another order within 90 days of it. */
  retained: number;
}

export interface GroupMoneyRow {
  member: boolean;
  currencyCode: string | null;
  customers: number;
  orders: number;
  minorUnits: bigint;
}

export interface GroupFigures {
  customers: number;
  orders: number;
  repeatRate: number | null;
  frequency: number | null;
  retention90: number | null;
  /** Customers whose first order is too recent for the 90 days to have passed are left out of it. */
  retentionBase: number;
  /** Per currency: revenue, average order and revenue per customer (of that currency's customers), in minor units. */
  money: { currencyCode: string | null; revenue: number; aov: number | null; perCustomer: number | null }[];
}

export function groupFigures(rows: GroupRow[], money: GroupMoneyRow[], member: boolean): GroupFigures {
  const row = rows.find((candidate) => candidate.member === member);
  const customers = row?.customers ?? 0;
  const orders = row?.orders ?? 0;
  return {
    customers,
    orders,
    repeatRate: ratio(row?.repeaters ?? 0, customers),
    frequency: ratio(orders, customers),
    retention90: ratio(row?.retained ?? 0, row?.retentionBase ?? 0),
    retentionBase: row?.retentionBase ?? 0,
    money: money
      .filter((entry) => entry.member === member)
      .map((entry) => {
        const revenue = Number(entry.minorUnits);
        return {
          currencyCode: entry.currencyCode,
          revenue,
          aov: entry.orders > 0 ? Math.round(revenue / entry.orders) : null,
          perCustomer: entry.customers > 0 ? Math.round(revenue / entry.customers) : null,
        };
      })
      .sort((a, b) => String(a.currencyCode).localeCompare(String(b.currencyCode))),
  };
}

export interface CohortSizeRow {
  cohort: string;
  members: number;
}

export interface CohortOrderRow {
  cohort: string;
  /** Months after the join month (1: the month after). */
  offset: number;
  members: number;
}

export interface Cohort {
  /** The join month, "2026-03". */
  month: string;
  members: number;
  /** Share of the cohort with an order in month 1, 2 … after joining; null for months not yet over (or begun) by the range's end. */
  shares: (number | null)[];
}

/** One cohort per month of the range, in order; `offsets` months after joining for each. */
export function assembleCohorts(range: MonthRange, sizes: CohortSizeRow[], orders: CohortOrderRow[]): Cohort[] {
  const months = monthsOf(range);
  const last = monthNumber(range.to);
  const offsets = months.length - 1;
  const counts = new Map(orders.map((row) => [`${row.cohort}/${row.offset}`, row.members]));
  return months.map((cohort) => {
    const members = sizes.find((row) => row.cohort === cohort)?.members ?? 0;
    return {
      month: cohort,
      members,
      shares: Array.from({ length: offsets }, (_, index) => {
        const offset = index + 1;
        if (members === 0 || monthNumber(cohort) + offset > last) return null;
        return (counts.get(`${cohort}/${offset}`) ?? 0) / members;
      }),
    };
  });
}

export interface BeforeAfterRow {
  currencyCode: string | null;
  members: number;
  beforeMinor: bigint;
  afterMinor: bigint;
  beforeDays: number;
  afterDays: number;
}

/** The same members' revenue per month before and after joining, per currency, in minor units. */
export interface BeforeAfter {
  currencyCode: string | null;
  members: number;
  before: number | null;
  after: number | null;
}

export function assembleBeforeAfter(rows: BeforeAfterRow[]): BeforeAfter[] {
  return rows
    .map((row) => ({
      currencyCode: row.currencyCode,
      members: row.members,
      before: perMonth(Number(row.beforeMinor), row.beforeDays),
      after: perMonth(Number(row.afterMinor), row.afterDays),
    }))
    .sort((a, b) => b.members - a.members);
}

export interface RoiFigures {
  range: MonthRange;
  members: GroupFigures;
  others: GroupFigures;
  cohorts: Cohort[];
  beforeAfter: BeforeAfter[];
}
