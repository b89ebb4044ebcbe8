import currencyCodes from "currency-codes";

/**
 * Decimal places of a currency's minor unit, from ISO 4217 (JPY 0, USD 2, KWD 3). Not from Intl:
 * ICU rounds some currencies for display (IDR, HUF and COP show 0 decimals but Shopify's amounts
 * carry 2). An order whose currency is unknown (rows written before currencies were recorded)
 * counts in hundredths, as Tally always did.
 */
export function minorUnitDigits(currencyCode: string | null | undefined): number {
  if (!currencyCode) return 2;
  return currencyCodes.code(currencyCode.toUpperCase())?.digits ?? 2;
}
