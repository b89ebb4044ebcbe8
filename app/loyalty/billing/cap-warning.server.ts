import type { Prisma, PrismaClient } from "@prisma/client";
import { fromBigInt } from "~/db/bigint";
import { queueFlowEvent } from "~/loyalty/points/flow-events.server";
import { minorUnitDigits } from "~/money/currency";
import { capWarningCrossed } from "./cap-warning";
import { billingPeriodEnd, decimalAmount } from "./plan";

type StoredCapUse = { balanceUsed: bigint; cappedAmount: bigint };

const capUse = (use: StoredCapUse) => ({
  balanceUsed: fromBigInt(use.balanceUsed),
  cappedAmount: fromBigInt(use.cappedAmount),
});

/**
 * Queues the Flow trigger "Loyalty billing cap approaching" in the transaction that learns a
 * subscription's new balance (`after`; the subscription as stored still says what it was), when
 * the period's usage first reaches 75% or 90% of the cap. The key holds the subscription, its
 * billing period, the cap and the share: once each, whichever of Tally's usage records or Shopify's
 * webhook learns it first, and again once the merchant raises the cap. The fields are amounts and
 * a currency code, no words: the same in every shop's language.
 */
export async function queueCapWarning(
  tx: Prisma.TransactionClient | PrismaClient,
  shopId: string,
  subscription: StoredCapUse & { id: string; currencyCode: string; currentPeriodEnd: Date | null; createdAt: Date },
  after: StoredCapUse,
  now = new Date(),
): Promise<void> {
  const warning = capWarningCrossed(capUse(subscription), capUse(after));
  if (!warning) return;
  const digits = minorUnitDigits(subscription.currencyCode);
  const period = billingPeriodEnd(subscription, now).toISOString();
  await queueFlowEvent(
    tx,
    shopId,
    "billingCap",
    `billing-cap:${subscription.id}:${period}:${after.cappedAmount}:${warning}`,
    null,
    {
      "Percent used": warning,
      "Balance used": decimalAmount(fromBigInt(after.balanceUsed), digits),
      "Capped amount": decimalAmount(fromBigInt(after.cappedAmount), digits),
      Currency: subscription.currencyCode,
    },
    now,
  );
}
