import {
  causeProperty,
  discountsTaken,
  legacyId,
  type LineAmounts,
  type RefundLine,
  type Refund,
  type ShopifyPaidOrder,
} from "./order-payloads";
import type { AdminGateway } from "./admin-gateway.server";
import type * as Admin from "./admin-operations.generated";
import { adminOperation } from "./operation";

/** An order as OrderForPoints reads it; its line items are paged. */
export type OrderNode = NonNullable<Admin.OrderForPointsQuery["order"]>;
export type OrderLineNode = OrderNode["lineItems"]["nodes"][number];

// Shopify refuses a query whose calculated cost exceeds 1000, so an order's lines and refunds
// cannot ride along a page of orders: a page lists ids, then each order and each refund is read
// on its own, its line items paged (30 a page leaves room for what each discount allocation is
// and the shipping lines' discounts).

const OrdersUpdatedSinceQuery = adminOperation(`#graphql
  query OrdersUpdatedSince($after: String, $query: String!) {
    orders(first: 100, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes { id }
    }
  }
`);

const OrderForPointsQuery = adminOperation(`#graphql
  query OrderForPoints($id: ID!, $linesAfter: String) {
    order(id: $id) {
      id
      name
      test
      email
      createdAt
      processedAt
      cancelledAt
      taxesIncluded
      currencyCode
      displayFinancialStatus
      discountCodes
      customAttributes { key value }
      customer { id defaultEmailAddress { emailAddress } }
      lineItems(first: 30, after: $linesAfter) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          quantity
          isGiftCard
          product { id }
          variant { id }
          sellingPlan { sellingPlanId }
          customAttributes { key value }
          originalUnitPriceSet { shopMoney { amount } }
          discountAllocations {
            allocatedAmountSet { shopMoney { amount } }
            discountApplication {
              __typename
              ... on DiscountCodeApplication { code }
              ... on AutomaticDiscountApplication { title }
            }
          }
          taxLines(first: 3) { priceSet { shopMoney { amount } } }
        }
      }
      shippingLines(first: 5) {
        nodes {
          discountAllocations {
            allocatedAmountSet { shopMoney { amount } }
            discountApplication {
              __typename
              ... on DiscountCodeApplication { code }
              ... on AutomaticDiscountApplication { title }
            }
          }
        }
      }
      refunds(first: 20) { id createdAt }
    }
  }
`);

const RefundLinesQuery = adminOperation(`#graphql
  query RefundLines($id: ID!, $after: String) {
    refund(id: $id) {
      id
      refundLineItems(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { lineItem { id } quantity subtotalSet { shopMoney { amount } } }
      }
    }
  }
`);

const PAID_STATUSES = new Set(["PAID", "PARTIALLY_REFUNDED", "REFUNDED"]);

export interface ReconciledOrder {
  paid: ShopifyPaidOrder | null;
  refunds: Refund[];
  cancelledAt: Date | null;
  shopifyOrderId: string;
}

/**
 * A line as the order webhook states it: its discount allocations (line and order discounts
 * alike, as `discount_allocations`), not `totalDiscountSet`, which leaves order discounts out.
 */
function lineAmounts(line: OrderLineNode): LineAmounts {
  return {
    lineItemId: legacyId(line.id)!,
    productId: line.product ? legacyId(line.product.id)! : null,
    variantId: line.variant ? legacyId(line.variant.id)! : null,
    subscription: Boolean(line.sellingPlan?.sellingPlanId),
    cause: causeProperty(line.customAttributes),
    quantity: line.quantity,
    giftCard: line.isGiftCard,
    unitPrice: line.originalUnitPriceSet.shopMoney.amount,
    discounts: line.discountAllocations.map((allocation) => allocation.allocatedAmountSet.shopMoney.amount),
    taxes: line.taxLines.map((tax) => tax.priceSet.shopMoney.amount),
  };
}

type AllocationNode = OrderLineNode["discountAllocations"][number];

/** An allocation as the webhook states it: the application's type in its words, with its code or title. */
function allocatedDiscount({ allocatedAmountSet, discountApplication: application }: AllocationNode) {
  const amount = allocatedAmountSet.shopMoney.amount;
  if (application.__typename === "DiscountCodeApplication")
    return { type: "discount_code", code: application.code, amount };
  if (application.__typename === "AutomaticDiscountApplication")
    return { type: "automatic", title: application.title, amount };
  return { type: "other", amount };
}

/** The same facts the webhooks carry, read from an Admin API order. */
export function orderFacts(node: OrderNode, lines: OrderLineNode[], refunds: Refund[]): ReconciledOrder {
  const shopifyOrderId = legacyId(node.id)!;
  const paid: ShopifyPaidOrder | null = PAID_STATUSES.has(node.displayFinancialStatus ?? "")
    ? {
        shopifyOrderId,
        currencyCode: node.currencyCode,
        name: node.name,
        email: (node.customer?.defaultEmailAddress?.emailAddress ?? node.email)?.toLowerCase() || null,
        test: node.test,
        customerId: node.customer ? legacyId(node.customer.id)! : null,
        // A missed webhook's member gets its name from customers/create and customers/update.
        customerName: { firstName: null, lastName: null },
        placedAt: new Date(node.processedAt ?? node.createdAt),
        cancelledAt: node.cancelledAt ? new Date(node.cancelledAt) : null,
        discountCodes: node.discountCodes,
        referralCode: node.customAttributes.find((attribute) => attribute.key === "_tally_ref")?.value || null,
        // Phone and address (the fraud checks' facts) are not read here: a missed webhook's
        // referral is judged on email, customer and order history.
        phone: null,
        shippingAddress: null,
        taxesIncluded: node.taxesIncluded,
        lines: lines.map(lineAmounts),
        ...discountsTaken(
          [...lines, ...node.shippingLines.nodes].flatMap((line) => line.discountAllocations.map(allocatedDiscount)),
        ),
      }
    : null;
  return { shopifyOrderId, paid, cancelledAt: node.cancelledAt ? new Date(node.cancelledAt) : null, refunds };
}

async function readOrder(admin: AdminGateway, id: string): Promise<ReconciledOrder | null> {
  let linesAfter: string | null = null;
  let node: OrderNode | null = null;
  const lines: OrderLineNode[] = [];
  do {
    const { order }: Admin.OrderForPointsQuery = await admin.request(OrderForPointsQuery, { id, linesAfter });
    if (!order) return null;
    node = order;
    lines.push(...order.lineItems.nodes);
    linesAfter = order.lineItems.pageInfo.hasNextPage ? order.lineItems.pageInfo.endCursor : null;
  } while (linesAfter);
  const refunds: Refund[] = [];
  for (const { id: refundId } of node.refunds) {
    const refundLines: RefundLine[] = [];
    let after: string | null = null;
    do {
      const { refund }: Admin.RefundLinesQuery = await admin.request(RefundLinesQuery, { id: refundId, after });
      if (!refund) break;
      refundLines.push(
        ...refund.refundLineItems.nodes.map((line) => ({
          lineItemId: legacyId(line.lineItem.id)!,
          quantity: line.quantity,
          subtotal: line.subtotalSet.shopMoney.amount,
        })),
      );
      after = refund.refundLineItems.pageInfo.hasNextPage ? refund.refundLineItems.pageInfo.endCursor : null;
    } while (after);
    refunds.push({ shopifyRefundId: legacyId(refundId)!, shopifyOrderId: legacyId(node.id)!, lines: refundLines });
  }
  return orderFacts(node, lines, refunds);
}

/** Orders updated since `since`, read one by one (the gateway waits for the cost bucket). */
export async function* ordersUpdatedSince(admin: AdminGateway, since: Date): AsyncGenerator<ReconciledOrder> {
  let after: string | null = null;
  do {
    const { orders }: Admin.OrdersUpdatedSinceQuery = await admin.request(OrdersUpdatedSinceQuery, {
      after,
      query: `updated_at:>='${since.toISOString()}'`,
    });
    for (const { id } of orders.nodes) {
      const order = await readOrder(admin, id);
      if (order) yield order;
    }
    after = orders.pageInfo.hasNextPage ? orders.pageInfo.endCursor : null;
  } while (after);
}
