import type { AdminGateway } from "./admin-gateway.server";
import type * as Admin from "./admin-operations.generated";
import { adminOperation } from "./operation";

// `Customer.emailMarketingConsent` is deprecated in favour of the default email address's own state.
const CustomerEmailMarketingQuery = adminOperation(`#graphql
  query CustomerEmailMarketing($id: ID!) {
    customer(id: $id) {
      id
      defaultEmailAddress { marketingState }
    }
  }
`);

export type EmailMarketingState = Admin.CustomerEmailAddressMarketingState;

/**
 * The customer's email marketing state as Shopify has it now: NOT_SUBSCRIBED for a customer with
 * no email address, null for a customer Shopify no longer has (deleted, merged away).
 */
export async function customerEmailMarketingState(
  admin: AdminGateway,
  customerId: string,
): Promise<EmailMarketingState | null> {
  const { customer }: Admin.CustomerEmailMarketingQuery = await admin.request(CustomerEmailMarketingQuery, {
    id: `gid://shopify/Customer/${customerId}`,
  });
  if (!customer) return null;
  return customer.defaultEmailAddress?.marketingState ?? "NOT_SUBSCRIBED";
}
