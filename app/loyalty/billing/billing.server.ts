import type { OutboxTask, Prisma, PrismaClient, Redemption } from "@prisma/client";
import type { Reward } from "~/loyalty/program/program";
import { billingMode } from "~/config/env.server";
import { fromBigInt } from "~/db/bigint";
import type { OutboxTopic } from "~/db/outbox-topics";
import { queueStorefrontPublish } from "~/db/storefront-publish.server";
import { inTransaction } from "~/db/transaction.server";
import { minorUnitDigits } from "~/money/currency";
import { toMinorUnits } from "~/money/money";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import {
  createUsageSubscription,
  fetchActiveSubscriptions,
  fetchSubscriptionStatus,
  isDevelopmentStore,
  recordUsage,
  requestUsageCap,
  type Money,
  type ShopifySubscription,
} from "~/shopify/billing.server";
import { AdminUserError } from "~/shopify/errors";
import { retryTaskLater } from "~/shopify/task-retry.server";
import { queueCapWarning } from "./cap-warning.server";
import type * as Admin from "~/shopify/admin-operations.generated";
import {
  BILLING_PLAN,
  capLevel,
  decimalAmount,
  usageDescription,
  usageTerms,
  shoppersSeeProgram,
  type SubscriptionStatus,
  type UnbilledReason,
} from "./plan";
import type { LoadedShop } from "~/loyalty/program/program.server";
import type { InstalledShop } from "~/loyalty/program/shops.server";

type Db = PrismaClient | Prisma.TransactionClient;

/** Whether this install bills through Shopify (TALLY_BILLING, on unless a private install turns it off). */
export const billingOn = () => billingMode() === "on";

/**
 * The shop as its shoppers meet it (storefront, checkout, customer account): without an active plan
 * (billing on) the program is off for them — nothing shown, nothing to redeem — while orders go
 * on earning, to be spent once the merchant approves the plan.
 */
export function shopForShoppers(shop: InstalledShop): LoadedShop {
  if (shoppersSeeProgram(billingMode(), shop.planActive)) return shop;
  return { ...shop, program: { ...shop.program, enabled: false } };
}

/**
 * The program as the storefront may show it (the theme's copy, the shop metafield, written outside
 * any shopper's request): as `shopForShoppers` says, with whether the shop's plan is active now.
 */
export async function programForStorefront(db: Db, shop: LoadedShop): Promise<LoadedShop["program"]> {
  return shopForShoppers({ ...shop, planActive: await planActive(db, shop.id) }).program;
}

/** Subscriptions that may still become or stay active: the ones worth asking Shopify about. */
const LIVE_STATUSES: SubscriptionStatus[] = ["PENDING", "ACTIVE", "FROZEN"];

/** Shopify's status as stored: ACCEPTED (deprecated) is what ACTIVE now says. */
const storedStatus = (status: Admin.AppSubscriptionStatus): SubscriptionStatus =>
  status === "ACCEPTED" ? "ACTIVE" : status;

const minorUnits = (money: Money): bigint => toMinorUnits(money.amount, minorUnitDigits(money.currencyCode)) ?? 0n;

const toMoney = (minor: number, currencyCode: string): Money => ({
  amount: decimalAmount(minor, minorUnitDigits(currencyCode)),
  currencyCode: currencyCode as Admin.CurrencyCode,
});

/** Whether the shop has an active plan: shoppers see the program only then (while billing is on). */
async function planActive(db: Db, shopId: string): Promise<boolean> {
  return (await db.appSubscription.count({ where: { shopId, status: "ACTIVE" } })) > 0;
}

/** Stores Shopify's word on a subscription; writes the storefront again when the shop's plan turned on or off. */
async function storeSubscription(
  tx: Prisma.TransactionClient,
  shopId: string,
  subscription: ShopifySubscription,
  now: Date,
  confirmationUrl?: string,
) {
  const before = await planActive(tx, shopId);
  const usage = subscription.usage;
  const fields = {
    name: subscription.name,
    status: storedStatus(subscription.status),
    test: subscription.test,
    usageLineItemId: usage?.lineItemId ?? null,
    currencyCode: usage?.cappedAmount.currencyCode ?? BILLING_PLAN.currencyCode,
    cappedAmount: usage ? minorUnits(usage.cappedAmount) : 0n,
    balanceUsed: usage ? minorUnits(usage.balanceUsed) : 0n,
    currentPeriodEnd: subscription.currentPeriodEnd ? new Date(subscription.currentPeriodEnd) : null,
  };
  await tx.appSubscription.upsert({
    where: { id: subscription.id },
    create: {
      id: subscription.id,
      shopId,
      ...fields,
      confirmationUrl: confirmationUrl ?? null,
      createdAt: new Date(subscription.createdAt),
    },
    update: { ...fields, ...(fields.status === "PENDING" ? {} : { confirmationUrl: null }) },
  });
  if (before !== (await planActive(tx, shopId))) await queueStorefrontPublish(tx, shopId, now);
}

/** The status of a subscription Tally knows for this shop; anything else is ignored and logged. */
async function setKnownSubscriptionStatus(
  tx: Prisma.TransactionClient,
  shopId: string,
  subscriptionId: string,
  status: SubscriptionStatus,
  now: Date,
): Promise<boolean> {
  const known = await tx.appSubscription.findFirst({ where: { id: subscriptionId, shopId }, select: { id: true } });
  if (!known) return false;
  const before = await planActive(tx, shopId);
  await tx.appSubscription.update({
    where: { id: subscriptionId },
    data: { status, ...(status === "PENDING" ? {} : { confirmationUrl: null }) },
  });
  if (before !== (await planActive(tx, shopId))) await queueStorefrontPublish(tx, shopId, now);
  return true;
}

/** The shop's active subscription (the newest, should Shopify leave two for a moment), or null. */
export function activeSubscription(db: Db, shopId: string) {
  return db.appSubscription.findFirst({ where: { shopId, status: "ACTIVE" }, orderBy: { createdAt: "desc" } });
}

/** The shop's current subscription: the newest Tally created or learned. */
export function currentSubscription(db: Db, shopId: string) {
  return db.appSubscription.findFirst({ where: { shopId }, orderBy: { createdAt: "desc" } });
}

/** Shopify expires a subscription the merchant has not approved within two days. */
const PENDING_APPROVAL_MS = 2 * 86_400_000;

export type PlanRequest =
  { status: "approve"; confirmationUrl: string } | { status: "active" } | { status: "billing_off" };

/**
 * Sends the merchant to approve the plan: one subscription with a usage line item (no recurring
 * fee), test charges on a development store. A shop with an active plan has nothing to approve; a
 * pending one Tally made is offered again as it is.
 */
export async function requestPlan(
  db: PrismaClient,
  shop: { id: string; domain: string },
  returnUrl: string,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<PlanRequest> {
  if (!billingOn()) return { status: "billing_off" };
  if (await planActive(db, shop.id)) return { status: "active" };
  const pending = await db.appSubscription.findFirst({
    where: {
      shopId: shop.id,
      status: "PENDING",
      confirmationUrl: { not: null },
      createdAt: { gt: new Date(now.getTime() - PENDING_APPROVAL_MS) },
    },
    orderBy: { createdAt: "desc" },
  });
  if (pending?.confirmationUrl) return { status: "approve", confirmationUrl: pending.confirmationUrl };
  const admin = await AdminGateway.forShop(db, shop.domain, gatewayOptions);
  const created = await createUsageSubscription(admin, {
    name: BILLING_PLAN.name,
    returnUrl,
    test: await isDevelopmentStore(admin),
    cappedAmount: toMoney(BILLING_PLAN.defaultCap, BILLING_PLAN.currencyCode),
    terms: usageTerms(),
  });
  await inTransaction(db, (tx) => storeSubscription(tx, shop.id, created.subscription, now, created.confirmationUrl));
  return { status: "approve", confirmationUrl: created.confirmationUrl };
}

/**
 * Reads the shop's subscriptions from Shopify (back from the approval page, or opening the billing
 * page): the active ones, and what became of those Tally still holds as pending, active or frozen.
 */
export async function refreshSubscriptions(
  db: PrismaClient,
  shop: { id: string; domain: string },
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<void> {
  const admin = await AdminGateway.forShop(db, shop.domain, gatewayOptions);
  const active = await fetchActiveSubscriptions(admin);
  const live = await db.appSubscription.findMany({
    where: { shopId: shop.id, status: { in: LIVE_STATUSES }, id: { notIn: active.map((s) => s.id) } },
    select: { id: true },
  });
  const ended = await Promise.all(
    live.map(async ({ id }) => ({ id, status: await fetchSubscriptionStatus(admin, id) })),
  );
  await inTransaction(db, async (tx) => {
    for (const subscription of active) await storeSubscription(tx, shop.id, subscription, now);
    for (const { id, status } of ended) {
      // Not active and unknown to Shopify now: it cannot bill (a reinstall's old subscription).
      await setKnownSubscriptionStatus(tx, shop.id, id, status ? storedStatus(status) : "CANCELLED", now);
    }
  });
}

/** The shop a billing webhook is about, as Tally knows it (Shopify's id once learned). */
export interface BilledShop {
  id: string;
  domain: string;
  shopifyShopId: string | null;
}

/** A payload naming another shop than the one it was delivered for is not this shop's news. */
const namesOtherShop = (shop: BilledShop, shopGid: string | undefined) =>
  Boolean(shopGid && shop.shopifyShopId && shopGid !== `gid://shopify/Shop/${shop.shopifyShopId}`);

/**
 * `app_subscriptions/update`: Shopify's new status for a subscription. One this shop never had
 * (another app's, another shop's) changes nothing and is logged.
 */
export async function applySubscriptionUpdate(
  tx: Prisma.TransactionClient,
  shop: BilledShop,
  update: { subscriptionId: string; shopGid?: string; status: Admin.AppSubscriptionStatus },
  now: Date,
): Promise<void> {
  const applied =
    !namesOtherShop(shop, update.shopGid) &&
    (await setKnownSubscriptionStatus(tx, shop.id, update.subscriptionId, storedStatus(update.status), now));
  if (!applied) logIgnoredSubscription(shop.domain, update.subscriptionId, "app_subscriptions/update");
}

/**
 * `app_subscriptions/approaching_capped_amount`: Shopify's balance and cap for the subscription
 * (it sends this at 90%), and the merchant's Flow warning with them. One this shop never had
 * changes nothing and is logged.
 */
export async function applyCapApproach(
  tx: Prisma.TransactionClient,
  shop: BilledShop,
  approach: { subscriptionId: string; shopGid?: string; balanceUsed: Money; cappedAmount: Money },
): Promise<void> {
  const subscription = namesOtherShop(shop, approach.shopGid)
    ? null
    : await tx.appSubscription.findFirst({ where: { id: approach.subscriptionId, shopId: shop.id } });
  if (!subscription) {
    logIgnoredSubscription(shop.domain, approach.subscriptionId, "app_subscriptions/approaching_capped_amount");
    return;
  }
  const after = { balanceUsed: minorUnits(approach.balanceUsed), cappedAmount: minorUnits(approach.cappedAmount) };
  await tx.appSubscription.update({ where: { id: subscription.id }, data: after });
  // Queued once: Tally's own usage record may have reached 90% first.
  await queueCapWarning(tx, shop.id, subscription, after);
}

function logIgnoredSubscription(shop: string, subscriptionId: string, topic: string) {
  console.warn(JSON.stringify({ event: "billing.subscription_ignored", shop, topic, subscriptionId }));
}

/** Shopify cancels the app's subscription on uninstall: a reinstall asks for the plan again. */
export async function cancelSubscriptionsOnUninstall(tx: Prisma.TransactionClient, shopDomain: string) {
  await tx.appSubscription.updateMany({
    where: { shop: { domain: shopDomain }, status: { in: LIVE_STATUSES } },
    data: { status: "CANCELLED", confirmationUrl: null },
  });
}

/** Asks Shopify for a higher cap (one of the plan's choices); the merchant approves it at the returned URL. */
export async function requestCapRaise(
  db: PrismaClient,
  shop: { id: string; domain: string },
  cap: number,
  gatewayOptions?: AdminGatewayOptions,
): Promise<{ status: "approve"; confirmationUrl: string } | { status: "no_active_plan" | "invalid_cap" }> {
  const subscription = await activeSubscription(db, shop.id);
  if (!subscription?.usageLineItemId) return { status: "no_active_plan" };
  if (!(BILLING_PLAN.capChoices as readonly number[]).includes(cap) || cap <= fromBigInt(subscription.cappedAmount)) {
    return { status: "invalid_cap" };
  }
  const admin = await AdminGateway.forShop(db, shop.domain, gatewayOptions);
  const confirmationUrl = await requestUsageCap(
    admin,
    subscription.usageLineItemId,
    toMoney(cap, subscription.currencyCode),
  );
  return { status: "approve", confirmationUrl };
}

export interface RewardUse {
  redemptionId: string;
  rewardName: string;
}

/**
 * Rewards a shopper used (their codes on a paid order): one usage charge each, queued in the
 * order's transaction and recorded in Shopify by the outbox, never in the shopper's or Shopify's
 * request. Keyed by the redemption, so any number of deliveries of the order charge once.
 */
export async function queueRewardUses(tx: Db, shopId: string, uses: RewardUse[], usedAt: Date, now: Date) {
  if (!uses.length || !billingOn()) return;
  const ids = uses.map((use) => use.redemptionId);
  const descriptions = uses.map((use) => usageDescription(use.rewardName));
  // One statement on the order's path: the charges, and a task for each charge that is new.
  await tx.$executeRaw`
    WITH charged AS (
      INSERT INTO "UsageCharge" (id, "shopId", "redemptionId", description, amount, "currencyCode", status, "usedAt", "createdAt")
      SELECT gen_random_uuid()::text, ${shopId}, u.id, u.description, ${BILLING_PLAN.feePerUse}, ${BILLING_PLAN.currencyCode},
             'queued', ${usedAt}, ${now}
        FROM unnest(${ids}::text[], ${descriptions}::text[]) AS u(id, description)
      ON CONFLICT ("shopId", "redemptionId") DO NOTHING
      RETURNING "redemptionId")
    INSERT INTO "OutboxTask" (id, "shopId", topic, key, payload, "runAt", attempts, "createdAt")
    SELECT gen_random_uuid()::text, ${shopId}, ${"record_usage" satisfies OutboxTopic}, 'usage:' || c."redemptionId",
           jsonb_build_object('redemptionId', c."redemptionId"), ${now}, 0, ${now}
      FROM charged c
    ON CONFLICT ("shopId", key) DO NOTHING`;
}

/**
 * Points converted to store credit are a reward used the moment Shopify credits them (there is no
 * code for an order to use): charged once, in the transaction that records the credit.
 */
export const queueStoreCreditUse = (tx: Db, redemption: Redemption, now: Date) =>
  queueRewardUses(
    tx,
    redemption.shopId,
    [{ redemptionId: redemption.id, rewardName: (redemption.reward as unknown as Reward).name }],
    now,
    now,
  );

/** Shopify refuses a record past the cap with a user error that says so. */
const CAP_MESSAGE = /exceed|cap/i;

/**
 * Records one queued usage charge in Shopify, exactly once: the redemption's id is the idempotency
 * key, so a retry after a lost answer gets the same record back. Throttling, 5xx and network
 * failures are retried as TASK_RETRY says; a refusal (the cap reached) or the last failure leaves
 * the charge unbilled — kept for the merchant to see, never retried forever. With no active plan
 * the use is unbilled at once.
 */
export async function deliverUsageCharge(
  db: PrismaClient,
  task: OutboxTask,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<"billed" | "unbilled" | "retry" | "done"> {
  const { redemptionId } = task.payload as { redemptionId: string };
  const charge = await db.usageCharge.findUnique({
    where: { shopId_redemptionId: { shopId: task.shopId, redemptionId } },
    include: { shop: { select: { domain: true } } },
  });
  const finish = (data: Prisma.UsageChargeUpdateInput = {}) =>
    inTransaction(db, async (tx) => {
      if (charge && Object.keys(data).length) await tx.usageCharge.update({ where: { id: charge.id }, data });
      await tx.outboxTask.update({ where: { id: task.id }, data: { deliveredAt: now, attempts: { increment: 1 } } });
    });
  if (!charge || charge.status !== "queued") {
    await finish();
    return "done";
  }
  const unbilled = async (reason: UnbilledReason) => {
    await finish({ status: "unbilled", unbilledReason: reason });
    return "unbilled" as const;
  };
  const subscription = await activeSubscription(db, charge.shopId);
  if (!subscription?.usageLineItemId) return unbilled("no_subscription");
  try {
    const admin = await AdminGateway.forShop(db, charge.shop.domain, gatewayOptions);
    const record = await recordUsage(admin, {
      lineItemId: subscription.usageLineItemId,
      price: toMoney(fromBigInt(charge.amount), charge.currencyCode),
      description: charge.description,
      idempotencyKey: charge.redemptionId,
    });
    await inTransaction(db, async (tx) => {
      await tx.usageCharge.update({
        where: { id: charge.id },
        data: { status: "billed", billedAt: now, subscriptionId: subscription.id, shopifyRecordId: record.recordId },
      });
      if (record.balanceUsed && record.cappedAmount) {
        const after = { balanceUsed: minorUnits(record.balanceUsed), cappedAmount: minorUnits(record.cappedAmount) };
        await tx.appSubscription.update({ where: { id: subscription.id }, data: after });
        await queueCapWarning(tx, charge.shopId, subscription, after, now);
      }
      await tx.outboxTask.update({ where: { id: task.id }, data: { deliveredAt: now, attempts: { increment: 1 } } });
    });
    return "billed";
  } catch (error) {
    if (error instanceof AdminUserError) {
      const capReached =
        error.userErrors.some((e) => CAP_MESSAGE.test(e.message)) ||
        capLevel(fromBigInt(subscription.balanceUsed), fromBigInt(subscription.cappedAmount)) === 100;
      return unbilled(capReached ? "cap_reached" : "refused");
    }
    if (await retryTaskLater(db, task, error, now)) return "retry";
    console.error(
      JSON.stringify({ event: "billing.usage_not_recorded", shop: charge.shop.domain, error: String(error) }),
    );
    return unbilled("failed");
  }
}
