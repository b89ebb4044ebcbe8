import type { AdminGateway } from "./admin-gateway.server";
import type * as Admin from "./admin-operations.generated";
import { adminOperation } from "./operation";

const StoreCreditConfiguration = adminOperation(`#graphql
  query StoreCreditConfiguration {
    storeCreditConfiguration { storeCreditEnabled }
    shop { currencyCode }
  }
`);

const CreditStoreCredit = adminOperation(`#graphql
  mutation CreditStoreCredit($customerId: ID!, $creditInput: StoreCreditAccountCreditInput!, $idempotencyKey: String!) {
    storeCreditAccountCredit(id: $customerId, creditInput: $creditInput) @idempotent(key: $idempotencyKey) {
      storeCreditAccountTransaction { id amount { amount currencyCode } createdAt expiresAt }
      userErrors { field message code }
    }
  }
`);

const StoreCreditCredits = adminOperation(`#graphql
  query StoreCreditCredits($customerId: ID!, $accountQuery: String!) {
    customer(id: $customerId) {
      storeCreditAccounts(first: 1, query: $accountQuery) {
        nodes {
          balance { amount currencyCode }
          transactions(first: 50, reverse: true, query: "type:credit") {
            nodes {
              ... on StoreCreditAccountCreditTransaction {
                id
                amount { amount currencyCode }
                createdAt
                event
                expiresAt
              }
            }
          }
        }
      }
    }
  }
`);

/** Whether the shop has store credit turned on (Settings → Customer accounts in Shopify), and the currency credits are in. */
export async function fetchStoreCreditSetting(
  admin: AdminGateway,
): Promise<{ enabled: boolean; currencyCode: string }> {
  const data = await admin.request(StoreCreditConfiguration);
  return { enabled: data.storeCreditConfiguration.storeCreditEnabled, currencyCode: data.shop.currencyCode };
}

/** Amounts as Shopify writes them: decimal text in a currency. */
export interface StoreCreditAmount {
  amount: string;
  currencyCode: string;
}

export interface CreditTransaction {
  id: string;
  amount: StoreCreditAmount;
  createdAt: string;
  expiresAt: string | null;
}

const customerGid = (customerId: string) => `gid://shopify/Customer/${customerId}`;

/**
 * Credits a customer's store credit account in the amount's currency (Shopify opens the account if
 * there is none). Shopify runs one credit per `idempotencyKey`: a retry whose answer was lost gets
 * the first transaction back. Refusals raise AdminUserError with Shopify's codes
 * (ACCOUNT_NOT_FOUND, CREDIT_LIMIT_EXCEEDED, MISMATCHING_CURRENCY, UNSUPPORTED_CURRENCY, …).
 */
export async function creditStoreCredit(
  admin: AdminGateway,
  credit: { customerId: string; amount: StoreCreditAmount; expiresAt: Date | null; idempotencyKey: string },
): Promise<CreditTransaction> {
  const payload = await admin.mutate(
    CreditStoreCredit,
    {
      customerId: customerGid(credit.customerId),
      creditInput: {
        creditAmount: { amount: credit.amount.amount, currencyCode: credit.amount.currencyCode as Admin.CurrencyCode },
        expiresAt: credit.expiresAt?.toISOString() ?? null,
        notify: true,
      },
      idempotencyKey: credit.idempotencyKey,
    },
    (data) => data.storeCreditAccountCredit,
  );
  const transaction = payload.storeCreditAccountTransaction;
  if (!transaction) throw new Error("storeCreditAccountCredit answered without a transaction");
  return transactionOf(transaction);
}

/**
 * The latest credits (up to 50) on the customer's store credit account in `currencyCode`,
 * newest first: what a retry looks through before crediting again.
 */
export async function recentStoreCredits(
  admin: AdminGateway,
  customerId: string,
  currencyCode: string,
): Promise<CreditTransaction[]> {
  const data = await admin.request(StoreCreditCredits, {
    customerId: customerGid(customerId),
    accountQuery: `currency_code:${currencyCode}`,
  });
  const account = data.customer?.storeCreditAccounts.nodes[0];
  // Other kinds of transaction (debits, expirations) come back as empty objects.
  return (account?.transactions.nodes ?? []).flatMap((node) =>
    "id" in node && node.id ? [transactionOf(node as CreditNode)] : [],
  );
}

interface CreditNode {
  id: string;
  amount: { amount: string; currencyCode: string };
  createdAt: string;
  expiresAt?: string | null;
}

/** The customer's store credit balance in `currencyCode` as Shopify holds it (null: no account yet). */
export async function storeCreditBalance(
  admin: AdminGateway,
  customerId: string,
  currencyCode: string,
): Promise<StoreCreditAmount | null> {
  const data = await admin.request(StoreCreditCredits, {
    customerId: customerGid(customerId),
    accountQuery: `currency_code:${currencyCode}`,
  });
  const balance = data.customer?.storeCreditAccounts.nodes[0]?.balance;
  return balance ? { amount: balance.amount, currencyCode: balance.currencyCode } : null;
}

function transactionOf(transaction: CreditNode): CreditTransaction {
  return {
    id: transaction.id,
    amount: { amount: transaction.amount.amount, currencyCode: transaction.amount.currencyCode },
    createdAt: transaction.createdAt,
    expiresAt: transaction.expiresAt ?? null,
  };
}
