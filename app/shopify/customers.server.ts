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

const CustomerByIdQuery = adminOperation(`#graphql
  query CustomerById($id: ID!) {
    customer(id: $id) {
      id
      firstName
      lastName
      defaultEmailAddress { emailAddress }
    }
  }
`);

/** The shop's customer with this numeric id, or null when the shop has none. */
export async function findCustomerById(admin: AdminGateway, customerId: string): Promise<ShopifyCustomer | null> {
  const { customer }: Admin.CustomerByIdQuery = await admin.request(CustomerByIdQuery, {
    id: `gid://shopify/Customer/${customerId}`,
  });
  if (!customer) return null;
  return {
    customerId: legacyId(customer.id)!,
    email: customer.defaultEmailAddress?.emailAddress?.toLowerCase() ?? "",
    firstName: customer.firstName,
    lastName: customer.lastName,
  };
}

const CustomerCreateMutation = adminOperation(`#graphql
  mutation CustomerCreate($input: CustomerInput!) {
    customerCreate(input: $input) {
      customer { id firstName lastName defaultEmailAddress { emailAddress } }
      userErrors { field message }
    }
  }
`);

/**
 * The shop's customer with this email, created when there is none. Looked up first, and again
 * when Shopify refuses the create (another request created it meanwhile: the email is taken), so
 * a retry never makes a second customer (docs/decisions/0021).
 */
export async function findOrCreateCustomerByEmail(
  admin: AdminGateway,
  email: string,
): Promise<ShopifyCustomer & { created: boolean }> {
  const lookUp = async () => (await findCustomersByEmail(admin, [email])).get(email.toLowerCase());
  const known = await lookUp();
  if (known) return { ...known, created: false };
  const { customerCreate }: Admin.CustomerCreateMutation = await admin.request(CustomerCreateMutation, {
    input: { email },
  });
  const customer = customerCreate?.customer;
  if (!customer) {
    const meanwhile = await lookUp();
    if (meanwhile) return { ...meanwhile, created: false };
    const errors = customerCreate?.userErrors.map((e) => e.message).join("; ") ?? "empty payload";
    throw new Error(`customerCreate refused ${admin.shop}'s customer: ${errors}`);
  }
  return {
    customerId: legacyId(customer.id)!,
    email: customer.defaultEmailAddress?.emailAddress?.toLowerCase() ?? email.toLowerCase(),
    firstName: customer.firstName,
    lastName: customer.lastName,
    created: true,
  };
}
