import { ADMIN_API_VERSION } from "~/shopify/api-version";

export const TEST_API_KEY = "tally-test-api-key";
export const TEST_API_SECRET = "tally-test-api-secret";
export const TEST_SCOPES =
  "write_customers,read_orders,write_discounts,write_app_proxy,read_themes,read_locales,read_store_credit_accounts,write_store_credit_account_transactions,write_products";
export const API_VERSION: string = ADMIN_API_VERSION;
/** Admin pages refuse bots (isbot); tests browse like a browser. */
export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36";
