import type { AdminGateway } from "./admin-gateway.server";
import type * as Admin from "./admin-operations.generated";
import { adminOperation } from "./operation";

const CreateAppSubscription = adminOperation(`#graphql
  mutation CreateAppSubscription(
    $name: String!
    $returnUrl: URL!
    $test: Boolean
    $lineItems: [AppSubscriptionLineItemInput!]!
  ) {
    appSubscriptionCreate(name: $name, returnUrl: $returnUrl, test: $test, lineItems: $lineItems) {
      confirmationUrl
      appSubscription {
        id
        name
        status
        test
        createdAt
        currentPeriodEnd
        lineItems {
          id
          plan {
            pricingDetails {
              __typename
              ... on AppUsagePricing {
                balanceUsed { amount currencyCode }
                cappedAmount { amount currencyCode }
              }
            }
          }
        }
      }
      userErrors { field message }
    }
  }
`);

const ActiveSubscriptions = adminOperation(`#graphql
  query ActiveSubscriptions {
    currentAppInstallation {
      activeSubscriptions {
        id
        name
        status
        test
        createdAt
        currentPeriodEnd
        lineItems {
          id
          plan {
            pricingDetails {
              __typename
              ... on AppUsagePricing {
                balanceUsed { amount currencyCode }
                cappedAmount { amount currencyCode }
              }
            }
          }
        }
      }
    }
  }
`);

const SubscriptionStatus = adminOperation(`#graphql
  query SubscriptionStatus($id: ID!) {
    node(id: $id) {
      ... on AppSubscription { id status }
    }
  }
`);

const RecordUsage = adminOperation(`#graphql
  mutation RecordUsage($lineItemId: ID!, $price: MoneyInput!, $description: String!, $idempotencyKey: String!) {
    appUsageRecordCreate(
      subscriptionLineItemId: $lineItemId
      price: $price
      description: $description
      idempotencyKey: $idempotencyKey
    ) {
      appUsageRecord {
        id
        subscriptionLineItem {
          plan {
            pricingDetails {
              __typename
              ... on AppUsagePricing {
                balanceUsed { amount currencyCode }
                cappedAmount { amount currencyCode }
              }
            }
          }
        }
      }
      userErrors { field message }
    }
  }
`);

const UpdateUsageCap = adminOperation(`#graphql
  mutation UpdateUsageCap($lineItemId: ID!, $cappedAmount: MoneyInput!) {
    appSubscriptionLineItemUpdate(id: $lineItemId, cappedAmount: $cappedAmount) {
      confirmationUrl
      userErrors { field message }
    }
  }
`);

const DevelopmentStore = adminOperation(`#graphql
  query DevelopmentStore {
    shop { plan { partnerDevelopment } }
  }
`);

/** A subscription as Shopify states it: decimal amounts stay text until the currency is known. */
export interface ShopifySubscription {
  id: string;
  name: string;
  status: Admin.AppSubscriptionStatus;
  test: boolean;
  createdAt: string;
  currentPeriodEnd: string | null;
  usage: { lineItemId: string; balanceUsed: Money; cappedAmount: Money } | null;
}

export interface Money {
  amount: string;
  currencyCode: Admin.CurrencyCode;
}

type SubscriptionFields = NonNullable<Admin.CreateAppSubscriptionMutation["appSubscriptionCreate"]>["appSubscription"];

function subscriptionOf(fields: NonNullable<SubscriptionFields>): ShopifySubscription {
  const usageItem = fields.lineItems.find((item) => item.plan.pricingDetails.__typename === "AppUsagePricing");
  const pricing = usageItem?.plan.pricingDetails;
  return {
    id: fields.id,
    name: fields.name,
    status: fields.status,
    test: fields.test,
    createdAt: String(fields.createdAt),
    currentPeriodEnd: fields.currentPeriodEnd ? String(fields.currentPeriodEnd) : null,
    usage:
      usageItem && pricing?.__typename === "AppUsagePricing"
        ? {
            lineItemId: usageItem.id,
            balanceUsed: money(pricing.balanceUsed),
            cappedAmount: money(pricing.cappedAmount),
          }
        : null,
  };
}

const money = (value: { amount: unknown; currencyCode: Admin.CurrencyCode }): Money => ({
  amount: String(value.amount),
  currencyCode: value.currencyCode,
});

export interface UsagePlanRequest {
  name: string;
  returnUrl: string;
  test: boolean;
  /** Decimal text, as MoneyInput takes it. */
  cappedAmount: Money;
  terms: string;
}

/** One subscription with one usage line item and no recurring fee; the merchant approves it at `confirmationUrl`. */
export async function createUsageSubscription(
  admin: AdminGateway,
  plan: UsagePlanRequest,
): Promise<{ confirmationUrl: string; subscription: ShopifySubscription }> {
  const payload = await admin.mutate(
    CreateAppSubscription,
    {
      name: plan.name,
      returnUrl: plan.returnUrl,
      test: plan.test,
      lineItems: [{ plan: { appUsagePricingDetails: { cappedAmount: plan.cappedAmount, terms: plan.terms } } }],
    },
    (data) => data.appSubscriptionCreate,
  );
  if (!payload.confirmationUrl || !payload.appSubscription) {
    throw new Error("appSubscriptionCreate answered without a subscription to approve");
  }
  return { confirmationUrl: String(payload.confirmationUrl), subscription: subscriptionOf(payload.appSubscription) };
}

/** The app's active subscriptions on this shop, as Shopify has them now. */
export async function fetchActiveSubscriptions(admin: AdminGateway): Promise<ShopifySubscription[]> {
  const data = await admin.request(ActiveSubscriptions);
  return data.currentAppInstallation.activeSubscriptions.map(subscriptionOf);
}

/** A subscription's status (a declined or expired one is no longer among the active ones); null if unknown. */
export async function fetchSubscriptionStatus(
  admin: AdminGateway,
  id: string,
): Promise<Admin.AppSubscriptionStatus | null> {
  const data = await admin.request(SubscriptionStatus, { id });
  return data.node && "status" in data.node ? (data.node.status ?? null) : null;
}

/**
 * Records one usage charge. Shopify keeps one record per `idempotencyKey`: a retry whose first
 * answer was lost gets the same record back, not a second charge. Returns the record's id and the
 * line item's balance after it.
 */
export async function recordUsage(
  admin: AdminGateway,
  charge: { lineItemId: string; price: Money; description: string; idempotencyKey: string },
): Promise<{ recordId: string; balanceUsed: Money | null; cappedAmount: Money | null }> {
  const payload = await admin.mutate(RecordUsage, charge, (data) => data.appUsageRecordCreate);
  const record = payload.appUsageRecord;
  if (!record) throw new Error("appUsageRecordCreate answered without a record");
  const pricing = record.subscriptionLineItem.plan.pricingDetails;
  const usage = pricing.__typename === "AppUsagePricing" ? pricing : null;
  return {
    recordId: record.id,
    balanceUsed: usage ? money(usage.balanceUsed) : null,
    cappedAmount: usage ? money(usage.cappedAmount) : null,
  };
}

/** Asks for a new cap; the merchant approves it at the returned URL. */
export async function requestUsageCap(admin: AdminGateway, lineItemId: string, cappedAmount: Money): Promise<string> {
  const payload = await admin.mutate(
    UpdateUsageCap,
    { lineItemId, cappedAmount },
    (data) => data.appSubscriptionLineItemUpdate,
  );
  if (!payload.confirmationUrl) throw new Error("appSubscriptionLineItemUpdate answered without a page to approve");
  return String(payload.confirmationUrl);
}

/** Development stores are billed with test charges (nothing is paid). */
export async function isDevelopmentStore(admin: AdminGateway): Promise<boolean> {
  return (await admin.request(DevelopmentStore)).shop.plan.partnerDevelopment;
}
