import type { DoubleCustomer } from "./admin-api-double";

/** The shop `npm run demo` installs Tally on. Its credentials are public: sandbox only. */
export const SANDBOX = {
  shop: "tally-sandbox.myshopify.com",
  apiKey: "tally-sandbox-api-key",
  apiSecret: "tally-sandbox-api-secret",
  accessToken: "shpat_tally_sandbox_offline_token",
  scopes:
    "write_customers,read_orders,write_discounts,write_app_proxy,read_themes,read_locales,read_store_credit_accounts,write_store_credit_account_transactions,write_products",
  name: "Tally Sandbox Outfitters",
  email: "owner@tally-sandbox.test",
  currencyCode: "USD",
  ianaTimezone: "America/New_York",
} as const;

const shopper = (
  id: number,
  firstName: string,
  lastName: string,
  numberOfOrders: number,
  amountSpent: string,
): DoubleCustomer => ({
  id,
  email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@example.com`,
  firstName,
  lastName,
  phone: null,
  tags: [],
  createdAt: "2026-03-14T10:00:00Z",
  numberOfOrders,
  amountSpent,
});

export const SANDBOX_CUSTOMERS: DoubleCustomer[] = [
  shopper(7390000001, "Ava", "Martin", 3, "245.00"),
  shopper(7390000002, "Noah", "Bernard", 1, "60.00"),
  shopper(7390000003, "Mia", "Dubois", 0, "0.00"),
  shopper(7390000004, "Liam", "Moreau", 7, "812.40"),
  shopper(7390000005, "Zoe", "Laurent", 2, "129.90"),
];
