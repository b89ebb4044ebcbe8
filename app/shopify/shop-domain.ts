/**
 * The one rule for a shop's domain as Shopify names it: `<name>.myshopify.com`, lower case.
 * SHOP_CUSTOM_DOMAIN (Shopify's own test domains) may add one more suffix, as the library's
 * `customShopDomains` does. Everything that takes a shop from a header or a token checks it here.
 */
const MYSHOPIFY = /^[a-z0-9][a-z0-9-]{0,59}\.myshopify\.com$/;

export function isShopDomain(value: string, customDomain = process.env.SHOP_CUSTOM_DOMAIN): boolean {
  if (MYSHOPIFY.test(value)) return true;
  if (!customDomain) return false;
  return new RegExp(`^[a-z0-9][a-z0-9-]{0,59}\\.${customDomain}$`).test(value);
}
