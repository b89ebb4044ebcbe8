import type { Tx } from "~/loyalty/points/ledger.server";

/** What a store credit redemption needs of the shop: its currency, and Shopify's store credit setting as last read. */
export interface StoreCreditSettings {
  currencyCode: string | null;
  /** Null until Tally has read storeCreditConfiguration. */
  enabled: boolean | null;
  checkedAt: Date | null;
}

/** The shop's cached store credit setting: one row read, never a call to Shopify. */
export async function readStoreCreditSettings(db: Tx, shopId: string): Promise<StoreCreditSettings> {
  const [row] = await db.$queryRaw<{ currencyCode: string | null; enabled: boolean | null; checkedAt: Date | null }[]>`
    SELECT "currencyCode", "storeCreditEnabled" AS enabled, "storeCreditCheckedAt" AS "checkedAt" FROM "Shop" WHERE id = ${shopId}`;
  return row ?? { currencyCode: null, enabled: null, checkedAt: null };
}

/** Why a shopper cannot convert points to store credit here, or null when they can. */
export type StoreCreditUnavailable = "store_credit_disabled" | "no_shop_currency";

export function storeCreditUnavailable(settings: StoreCreditSettings): StoreCreditUnavailable | null {
  if (!settings.currencyCode) return "no_shop_currency";
  if (settings.enabled !== true) return "store_credit_disabled";
  return null;
}
