import { formatMoney } from "~/admin/common/format";
import { useTranslation } from "~/i18n";
import { minorUnitDigits } from "~/money/currency";
import { toUnits } from "~/money/money";

/** Billing amounts are minor units of their currency: "$0.20" for 20 USD cents, in the admin's language. */
export function useBillingMoney(): (minorUnits: number, currencyCode: string) => string {
  const { i18n } = useTranslation();
  return (minorUnits, currencyCode) =>
    formatMoney(i18n.language, toUnits(minorUnits, minorUnitDigits(currencyCode)), currencyCode);
}
