import type { Prisma, PrismaClient } from "@prisma/client";
import type { z } from "zod";
import { awardNewsletterSignup } from "~/loyalty/actions/actions.server";
import { enrolCustomer, forgetCustomer, mergeCustomers } from "~/loyalty/members/members.server";
import {
  asksNothing,
  factsToAsk,
  fetchOrderFacts,
  NO_ORDER_FACTS,
  type OrderFacts,
} from "~/loyalty/orders/order-facts.server";
import {
  awaitProductFacts,
  orderPaid,
  recordCancellation,
  recordPaidOrder,
  recordRefund,
} from "~/loyalty/orders/orders.server";
import { paidOrderWebhook } from "~/loyalty/orders/paid-order";
import type { LoadedShop } from "~/loyalty/program/program.server";
import { attributeSignup } from "~/loyalty/referrals/referrals.server";
import { cancelledOrderPayload, customerPayload, customersMergePayload, refundPayload } from "~/shopify/order-payloads";
import { askWithinWebhookBudget } from "~/shopify/products.server";
import { emailMarketingConsentPayload } from "~/shopify/webhook-payloads";

/** What Tally does with one shop webhook topic once a delivery is accepted (app/jobs/inbox.server.ts applies it). */
export interface ShopWebhookTopic<Schema extends z.ZodType = z.ZodType, Prepared = unknown> {
  schema: Schema;
  /** Deliveries with the same key apply in the order they came: the customer, else the order. */
  orderingKey(payload: z.infer<Schema>): string | null;
  /** Admin API look-ups the effect needs, outside its transaction and within the webhook budget. */
  prepare?(db: PrismaClient, shop: LoadedShop, payload: z.infer<Schema>): Promise<Prepared>;
  effect(
    tx: Prisma.TransactionClient,
    context: { shop: LoadedShop; payload: z.infer<Schema>; now: Date; prepared: Prepared | undefined },
  ): Promise<unknown>;
}

const topic = <Schema extends z.ZodType, Prepared = undefined>(definition: ShopWebhookTopic<Schema, Prepared>) =>
  definition as unknown as ShopWebhookTopic;

const byCustomer = (payload: { customerId: string | null }) => payload.customerId;

export const SHOP_WEBHOOK_TOPICS = {
  /**
   * A paid order is scored in the applier's transaction when what Shopify must tell first (product
   * facts for rules by tag, type or collection; the customer's segments for a bonus event limited to
   * a segment) comes within the webhook's budget; otherwise it waits in the outbox. Null facts mean
   * "not fetched in time".
   */
  "orders/paid": topic<typeof paidOrderWebhook, OrderFacts | null>({
    schema: paidOrderWebhook,
    orderingKey: (order) => order.customerId ?? `order:${order.shopifyOrderId}`,
    async prepare(db, shop, order) {
      const ask = factsToAsk(shop, order);
      // Facts only count on the first payment: an order already paid needs no Admin API call.
      if (asksNothing(ask) || (await orderPaid(db, shop.id, order.shopifyOrderId))) return NO_ORDER_FACTS;
      return askWithinWebhookBudget(db, shop.domain, (admin) => fetchOrderFacts(admin, order, ask));
    },
    effect: (tx, { shop, payload, now, prepared }) =>
      prepared
        ? recordPaidOrder(tx, shop, payload, now, prepared.products, prepared.segmentIds)
        : awaitProductFacts(tx, shop, payload, now),
  }),
  // A refund names its order, not the customer: its order's deliveries keep their order.
  "refunds/create": topic({
    schema: refundPayload,
    orderingKey: (refund) => `order:${refund.shopifyOrderId}`,
    effect: (tx, { shop, payload, now }) => recordRefund(tx, shop, payload, now),
  }),
  "orders/cancelled": topic({
    schema: cancelledOrderPayload,
    orderingKey: (order) => `order:${order.shopifyOrderId}`,
    effect: (tx, { shop, payload, now }) =>
      recordCancellation(tx, shop, payload.shopifyOrderId, payload.cancelledAt, now),
  }),
  "customers/create": topic({
    schema: customerPayload,
    orderingKey: byCustomer,
    async effect(tx, { shop, payload, now }) {
      const enrolled = await enrolCustomer(tx, shop, payload, now, { signupBonus: true, checkNewsletter: true });
      await attributeSignup(tx, shop, payload);
      return enrolled;
    },
  }),
  "customers/update": topic({
    schema: customerPayload,
    orderingKey: byCustomer,
    effect: (tx, { shop, payload, now }) => enrolCustomer(tx, shop, payload, now, { signupBonus: false }),
  }),
  "customers/delete": topic({
    schema: customerPayload,
    orderingKey: byCustomer,
    effect: (tx, { shop, payload, now }) => forgetCustomer(tx, shop, payload.customerId, now),
  }),
  // The deleted customer's deliveries may still be pending: the kept one's key orders the merge.
  "customers/merge": topic({
    schema: customersMergePayload,
    orderingKey: (merge) => merge.keptCustomerId,
    async effect(tx, { shop, payload, now }) {
      if (payload.completed) await mergeCustomers(tx, shop, payload.keptCustomerId, payload.deletedCustomerId, now);
    },
  }),
  /** A customer subscribed to email marketing: the program's newsletter actions, once per customer. */
  "customers_email_marketing_consent/update": topic({
    schema: emailMarketingConsentPayload,
    orderingKey: byCustomer,
    effect: (tx, { shop, payload, now }) =>
      payload.subscribed ? awardNewsletterSignup(tx, shop, { customerId: payload.customerId, now }) : Promise.resolve(),
  }),
} satisfies Record<string, ShopWebhookTopic>;

export type ShopWebhookTopicName = keyof typeof SHOP_WEBHOOK_TOPICS;

export const isShopWebhookTopic = (name: string): name is ShopWebhookTopicName =>
  Object.hasOwn(SHOP_WEBHOOK_TOPICS, name);
