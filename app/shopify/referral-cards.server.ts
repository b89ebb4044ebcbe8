import type { PrismaClient } from "@prisma/client";
import { AdminGateway, type AdminGatewayOptions } from "./admin-gateway.server";
import { isRetryable, ShopNotInstalledError } from "./errors";
import type * as Admin from "./admin-operations.generated";
import { adminOperation } from "./operation";

type Transactions = NonNullable<Admin.ReferralCardsQuery["order"]>;

const ReferralCards = adminOperation(`#graphql
  query ReferralCards($order: ID!, $referrer: ID!) {
    order(id: $order) {
      transactions(first: 10) { paymentDetails { ... on CardPaymentDetails { bin number company } } }
    }
    customer(id: $referrer) {
      orders(first: 10, reverse: true) {
        nodes { transactions(first: 10) { paymentDetails { ... on CardPaymentDetails { bin number company } } } }
      }
    }
  }
`);

/** The cards of a friend's first order and of the referrer's latest orders, as fingerprints. */
export interface ReferralCards {
  referee: string[];
  referrer: string[];
}

/**
 * Cards are only in Shopify (the order webhooks no longer carry them): before a referrer is
 * rewarded, the friend's first order's cards are compared with the referrer's recent orders'.
 * Null when the check could not run now and should be tried again.
 */
export type CardCheck = (
  shopDomain: string,
  refereeOrderId: string,
  referrerCustomerId: string,
) => Promise<ReferralCards | null>;

/** Brand, first six and last four digits: the same card, as far as Shopify shows one. */
function fingerprints(orders: Transactions[]): string[] {
  return orders.flatMap((order) =>
    order.transactions.flatMap(({ paymentDetails: card }) => {
      const lastFour = card?.number?.replace(/\D/g, "").slice(-4);
      return card?.bin && lastFour ? [`${(card.company ?? "").toLowerCase()}|${card.bin}|${lastFour}`] : [];
    }),
  );
}

/**
 * The cards of a friend's first order and of the referrer's latest orders, read through the
 * gateway. A shop that uninstalled Tally, or an order Shopify no longer has, yields no cards;
 * a failure that can pass yields null (check again on the next pass).
 */
export function referralCardsFromShopify(db: PrismaClient, gatewayOptions?: AdminGatewayOptions): CardCheck {
  return async (shopDomain, refereeOrderId, referrerCustomerId) => {
    try {
      const admin = await AdminGateway.forShop(db, shopDomain, gatewayOptions);
      const data = await admin.request(ReferralCards, {
        order: `gid://shopify/Order/${refereeOrderId}`,
        referrer: `gid://shopify/Customer/${referrerCustomerId}`,
      });
      return {
        referee: fingerprints(data.order ? [data.order] : []),
        referrer: fingerprints(data.customer?.orders.nodes ?? []),
      };
    } catch (error) {
      if (error instanceof ShopNotInstalledError) return { referee: [], referrer: [] };
      if (isRetryable(error)) return null;
      // Anything else would stop every referral behind this one: the check is skipped, loudly.
      console.error(`[referrals] card check on ${shopDomain} failed:`, (error as Error).message);
      return { referee: [], referrer: [] };
    }
  };
}
