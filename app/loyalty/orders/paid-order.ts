import { z } from "zod";
import { eligibleLines, type EligibleLine } from "~/loyalty/points/earning";
import { paidOrderPayload, type ShopifyPaidOrder } from "~/shopify/order-payloads";

/** A paid order as Tally records it: Shopify's facts, each line with what it earns on. */
export type PaidOrder = Omit<ShopifyPaidOrder, "taxesIncluded" | "lines"> & { lines: EligibleLine[] };

/** The order with its lines scored; null when it is larger than any real order (refused, never scored). */
export function scorePaidOrder({ taxesIncluded, lines, ...order }: ShopifyPaidOrder): PaidOrder | null {
  const eligible = eligibleLines(lines, order.currencyCode, taxesIncluded);
  return eligible && { ...order, lines: eligible };
}

/** The orders/paid webhook's payload, scored: an order beyond any real order is an invalid payload. */
export const paidOrderWebhook = paidOrderPayload.transform((order, ctx) => {
  const scored = scorePaidOrder(order);
  if (!scored) {
    ctx.addIssue({ code: "custom", message: "the order's amount is beyond any real order", path: ["line_items"] });
    return z.NEVER;
  }
  return scored;
});
