/** An amount in the shop's currency ("€1,234.50"); a plain number when Shopify did not say which currency. */
export function formatMoney(language: string, amount: number, currencyCode: string | null): string {
  return currencyCode
    ? new Intl.NumberFormat(language, { style: "currency", currency: currencyCode }).format(amount)
    : amount.toLocaleString(language);
}
