/** The billing page's path in the app. */
export const BILLING_PATH = "/app/billing";

/**
 * Where Shopify sends the merchant back after the approval page. Inside the Shopify admin: the
 * embedded app's URL, which Shopify opens with a fresh session token. In the sandbox there is no
 * Shopify admin to do that, so the sandbox's login signs the merchant back in to the billing page.
 */
export function billingReturnUrl(install: { appUrl: string; apiKey: string; shop: string; sandbox: boolean }): string {
  if (install.sandbox) return `${install.appUrl.replace(/\/+$/, "")}/sandbox/login?to=${BILLING_PATH}`;
  return `https://${install.shop}/admin/apps/${install.apiKey}${BILLING_PATH}`;
}
