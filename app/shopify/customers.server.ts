import type { AdminGateway } from "./admin-gateway.server";
import { legacyId } from "./order-payloads";
import type * as Admin from "./admin-operations.generated";
import { adminOperation } from "./operation";

const CustomersByEmailQuery = adminOperation(`#graphql
  query CustomersByEmail($query: String!, $after: String) {
    customers(first: 50, after: $after, query: $query) {
      pageInfo { hasNextPage endCursor }
      nodes { id firstName lastName defaultEmailAddress { emailAddress } }
    }
  }
`);

/** Emails per search: Shopify's search query stays short and one page usually answers it. */
export const EMAILS_PER_SEARCH = 50;

export interface ShopifyCustomer {
  customerId: string;
  /** Lower-cased. */
  email: string;
  firstName: string | null;
  lastName: string | null;
}

const searchTerm = (email: string) => `email:"${email.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/**
 * The shop's customers with these emails, keyed by lower-cased email; an email without a
 * customer is absent. Search can return near matches, so only exact addresses are kept.
 */
export async function findCustomersByEmail(
  admin: AdminGateway,
  emails: string[],
): Promise<Map<string, ShopifyCustomer>> {
  const wanted = new Set(emails.map((email) => email.toLowerCase()));
  const found = new Map<string, ShopifyCustomer>();
  const unique = [...wanted];
  for (let start = 0; start < unique.length; start += EMAILS_PER_SEARCH) {
    const query = unique
      .slice(start, start + EMAILS_PER_SEARCH)
      .map(searchTerm)
      .join(" OR ");
    let after: string | null = null;
    do {
      const { customers }: Admin.CustomersByEmailQuery = await admin.request(CustomersByEmailQuery, { query, after });
      for (const node of customers.nodes) {
        const email = node.defaultEmailAddress?.emailAddress?.toLowerCase();
        if (email && wanted.has(email) && !found.has(email)) {
          found.set(email, {
            customerId: legacyId(node.id)!,
            email,
            firstName: node.firstName,
            lastName: node.lastName,
          });
        }
      }
      after = customers.pageInfo.hasNextPage ? customers.pageInfo.endCursor : null;
    } while (after);
  }
  return found;
}

const ShopCustomersQuery = adminOperation(`#graphql
  query ShopCustomers($first: Int!) {
    customers(first: $first) {
      nodes { id firstName lastName defaultEmailAddress { emailAddress } }
    }
  }
`);

/** The shop's first customers (at most `first`), as Shopify lists them. */
export async function listCustomers(
  admin: AdminGateway,
  first: number,
): Promise<(Omit<ShopifyCustomer, "email"> & { email: string | null })[]> {
  const { customers }: Admin.ShopCustomersQuery = await admin.request(ShopCustomersQuery, { first });
  return customers.nodes.map((node) => ({
    customerId: legacyId(node.id)!,
    email: node.defaultEmailAddress?.emailAddress?.toLowerCase() ?? null,
    firstName: node.firstName,
    lastName: node.lastName,
  }));
}
