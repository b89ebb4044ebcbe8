import { z } from "zod";
import { monthsOf, type MonthRange } from "./giving";

/**
 * What the program cost (issue 25, docs/accounting.md), the pure part: the sums
 * app/loyalty/reports/program-cost.server.ts reads, per month of the range and currency, and the
 * cost as a share of members' revenue. Money stays in integer minor units of its currency.
 */

/** The lines of the cost, in the order the page shows them. */
export const COST_LINES = ["rewardDiscounts", "storeCredit", "tierPerks", "membershipPerks", "usageFees"] as const;
export type CostLine = (typeof COST_LINES)[number];

/** Where each line's rows come from: OrderDiscount's kinds, store credit redemptions, usage charges. */
const LINE_OF_SOURCE = {
  reward_code: "rewardDiscounts",
  store_credit: "storeCredit",
  tier_perk: "tierPerks",
  membership_perk: "membershipPerks",
  usage_fee: "usageFees",
} as const satisfies Record<string, CostLine>;

/** One sum as the database gives it: a source's minor units in one month and currency. */
export const programCostRow = z.object({
  month: z.string(),
  currencyCode: z.string().nullable(),
  source: z.enum(Object.keys(LINE_OF_SOURCE) as [keyof typeof LINE_OF_SOURCE, ...(keyof typeof LINE_OF_SOURCE)[]]),
  minorUnits: z.bigint(),
});
export type ProgramCostRow = z.infer<typeof programCostRow>;

/** Each line and their total, in minor units of one currency. */
export type CostAmounts = Record<CostLine | "total", number>;

export interface CurrencyCost {
  currencyCode: string | null;
  /** Every month of the range, in order (months with no cost at zero). */
  months: { month: string; amounts: CostAmounts }[];
  totals: CostAmounts;
}

export interface ProgramCost {
  range: MonthRange;
  /** One entry per currency with any cost, by currency code. */
  currencies: CurrencyCost[];
}

const noCost = (): CostAmounts => ({
  rewardDiscounts: 0,
  storeCredit: 0,
  tierPerks: 0,
  membershipPerks: 0,
  usageFees: 0,
  total: 0,
});

export function assembleProgramCost(range: MonthRange, rows: ProgramCostRow[]): ProgramCost {
  const byCurrency = new Map<string | null, Map<string, CostAmounts>>();
  for (const row of rows) {
    const months = byCurrency.get(row.currencyCode) ?? new Map<string, CostAmounts>();
    byCurrency.set(row.currencyCode, months);
    const amounts = months.get(row.month) ?? noCost();
    months.set(row.month, amounts);
    const minorUnits = Number(row.minorUnits);
    amounts[LINE_OF_SOURCE[row.source]] += minorUnits;
    amounts.total += minorUnits;
  }
  const currencies = [...byCurrency].map(([currencyCode, sums]) => {
    const months = monthsOf(range).map((month) => ({ month, amounts: sums.get(month) ?? noCost() }));
    const totals = noCost();
    for (const { amounts } of months) for (const key of [...COST_LINES, "total"] as const) totals[key] += amounts[key];
    return { currencyCode, months, totals };
  });
  return { range, currencies: currencies.sort((a, b) => String(a.currencyCode).localeCompare(String(b.currencyCode))) };
}

/** A currency's cost beside members' revenue in it; the share is null without revenue in it. */
export type CostShare = CurrencyCost & { revenue: number; share: number | null };

export function costShares(
  cost: ProgramCost,
  revenue: { currencyCode: string | null; revenue: number }[],
): CostShare[] {
  return cost.currencies.map((currency) => {
    const inCurrency = revenue.find((entry) => entry.currencyCode === currency.currencyCode)?.revenue ?? 0;
    return { ...currency, revenue: inCurrency, share: inCurrency > 0 ? currency.totals.total / inCurrency : null };
  });
}
