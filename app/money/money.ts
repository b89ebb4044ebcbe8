import { minorUnitDigits } from "./currency";

/**
 * Money is integer minor units of its currency (cents, yen, fils), parsed from Shopify's decimal
 * text without ever passing through floating point.
 */

/**
 * The largest order Tally scores, in whole currency units: 9 × 10^11, above any real order in
 * any currency (30,000,000,000 VND is about a million dollars). With the program's bound of
 * 10,000 points per currency unit it keeps one order's points below 2^53.
 */
export const LARGEST_ORDER_UNITS = 900_000_000_000n;

/** Shopify's amounts: plain non-negative decimal text, up to 15 whole digits (past any real order). */
const DECIMAL = /^(\d{1,15})(?:\.(\d{1,12}))?$/;

export function isDecimalAmount(text: string): boolean {
  return DECIMAL.test(text.trim());
}

/** `"30000000.00"` in a 2-digit currency → 3000000000n. Null for anything that is not a plain non-negative decimal. Digits past the minor unit are rounded half up. */
export function toMinorUnits(text: string, digits: number): bigint | null {
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const [, whole, fraction = ""] = match;
  const kept = (fraction + "0".repeat(digits)).slice(0, digits);
  const roundUp = fraction.length > digits && Number(fraction[digits]) >= 5;
  return BigInt(whole!) * 10n ** BigInt(digits) + BigInt(kept || "0") + (roundUp ? 1n : 0n);
}

/** Minor units of one currency's precision expressed in another's (digits), rounded half up. */
export function rescaleMinorUnits(amount: bigint, fromDigits: number, toDigits: number): bigint {
  if (toDigits >= fromDigits) return amount * 10n ** BigInt(toDigits - fromDigits);
  const divisor = 10n ** BigInt(fromDigits - toDigits);
  return (amount + divisor / 2n) / divisor;
}

/** Minor units as a decimal number of whole units for display (`formatMoney`); never summed again. */
export function toUnits(amount: bigint | number, digits: number): number {
  return Number(amount) / 10 ** digits;
}

/** The largest order Tally scores, in the minor units of a currency with these digits. */
export function largestOrderMinorUnits(digits: number): bigint {
  return LARGEST_ORDER_UNITS * 10n ** BigInt(digits);
}

/**
 * Sums of minor units recorded in (possibly) several currencies' precisions, as whole units for
 * display: each is rescaled exactly to thousandths first, so JPY, USD and KWD amounts add up.
 */
export function totalInUnits(sums: { currencyCode: string | null; minorUnits: bigint }[]): number {
  const thousandths = sums.reduce(
    (total, sum) => total + rescaleMinorUnits(sum.minorUnits, minorUnitDigits(sum.currencyCode), 3),
    0n,
  );
  return toUnits(thousandths, 3);
}

/** Minor units as Shopify's decimal text: 1200n in USD → "12.00", 1200n in JPY → "1200". */
export function decimalAmount(minorUnits: bigint, currencyCode: string): string {
  const digits = minorUnitDigits(currencyCode);
  if (digits === 0) return minorUnits.toString();
  const text = minorUnits.toString().padStart(digits + 1, "0");
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
