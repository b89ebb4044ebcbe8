import type { Program } from "~/loyalty/program/program";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deliverOutbox, expireUnusedCodes, recordUsageCharges } from "~/jobs/outbox.server";
import { refreshSubscriptions, requestPlan } from "~/loyalty/billing/billing.server";
import { BILLING_PLAN } from "~/loyalty/billing/plan";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, webhookPayload } from "./support/webhook-fixtures";

/**
 * Billing as Shopify and shoppers drive it (docs/billing.md): the merchant approves a usage plan,
 * each reward a shopper uses is one usage charge recorded once by the outbox, the cap and the
 * subscription webhooks keep Tally's state true.
 */

const SHOP = "billing-shop.myshopify.com";
const OTHER_SHOP = "billing-other.myshopify.com";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RETURN_URL = "https://tally.test/app/billing";
let app: TestApp;
let shopId: string;
let nextOrderId = 8_100_000;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_BILLING: "on" } });
  await app.installShop(SHOP);
  await app.installShop(OTHER_SHOP);
  app.double.shop(SHOP).partnerDevelopment = true;
  // The shop's record, as the admin's first visit makes it.
  expect((await app.admin("/api/program", SHOP)).status).toBe(200);
  expect((await app.admin("/api/program", OTHER_SHOP)).status).toBe(200);
  shopId = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id;
});
afterAll(() => app?.close());
afterEach(() => app.double.reset());

const shopRow = (domain = SHOP) => app.prisma.shop.findUniqueOrThrow({ where: { domain } });

/** The merchant approves (or declines) the plan on Shopify's page and comes back to Tally. */
async function answerPlan(approve: boolean, domain = SHOP) {
  const shop = await shopRow(domain);
  const request = await requestPlan(app.prisma, shop, RETURN_URL, new Date());
  expect(request.status).toBe("approve");
  const url = new URL((request as { confirmationUrl: string }).confirmationUrl);
  const subscriptionId = url.searchParams.get("subscription")!;
  const back = app.double.answerConfirmation(domain, subscriptionId, approve);
  expect(back).toMatch(/^https:\/\/tally\.test\/app\/billing\?charge_id=\d+$/);
  await refreshSubscriptions(app.prisma, shop, new Date());
  return subscriptionId;
}

const proxyUrl = (path: string, customerId: number | null) =>
  `${app.url}/proxy${path}?${appProxyQuery({ shop: SHOP, customerId }, TEST_API_SECRET)}`;

async function earn(customerId: number, price: string) {
  const response = await app.webhook(
    "orders/paid",
    SHOP,
    orderPayload("orders/paid", {
      id: nextOrderId++,
      customer: { id: customerId, email: `c${customerId}@example.com` },
      lines: [{ price }],
    }),
  );
  expect(response.status).toBe(200);
}

/** A shopper spends 500 points on the default reward; its code is created in Shopify. */
async function redeemCode(customerId: number): Promise<{ id: string; code: string }> {
  await earn(customerId, "600.00");
  const response = await fetch(proxyUrl("/redemptions", customerId), {
    method: "POST",
    headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
    body: JSON.stringify({ rewardId: "five-off" }),
  });
  expect(response.status).toBe(201);
  const { redemption } = (await response.json()) as { redemption: { id: string; code: string; status: string } };
  if (redemption.status !== "active") await deliverOutbox(app.prisma, new Date(Date.now() + DAY));
  return redemption;
}

/** The shopper's order that used the code, as Shopify's orders/paid sends it. */
function orderUsing(code: string, customerId: number, orderId = nextOrderId++) {
  return {
    ...orderPayload("orders/paid", {
      id: orderId,
      customer: { id: customerId, email: `c${customerId}@example.com` },
      lines: [{ price: "40.00", discount: "5.00" }],
    }),
    discount_codes: [{ code, amount: "5.00", type: "fixed_amount" }],
  };
}

const usageRecords = (domain = SHOP) => app.double.shop(domain).subscriptions.flatMap((s) => s.records);

describe("the plan", () => {
  it("is asked for once, with a usage line item and test charges on a development store, and is active once approved", async () => {
    expect(await app.prisma.appSubscription.count({ where: { shopId } })).toBe(0);
    const subscriptionId = await answerPlan(true);

    const [create] = app.double.callsTo("CreateAppSubscription");
    expect(create!.variables).toMatchObject({
      name: BILLING_PLAN.name,
      returnUrl: RETURN_URL,
      test: true,
      lineItems: [{ plan: { appUsagePricingDetails: { cappedAmount: { amount: "100.00", currencyCode: "USD" } } } }],
    });
    // No recurring fee: one usage line item only.
    expect((create!.variables.lineItems as unknown[]).length).toBe(1);
    const stored = await app.prisma.appSubscription.findUniqueOrThrow({ where: { id: subscriptionId } });
    expect(stored).toMatchObject({ shopId, status: "ACTIVE", test: true, currencyCode: "USD", cappedAmount: 10_000n });
    expect(stored.usageLineItemId).toMatch(/^gid:\/\/shopify\/AppSubscriptionLineItem\//);
    expect(stored.confirmationUrl).toBeNull();
    // Active: nothing more to approve.
    expect(await requestPlan(app.prisma, await shopRow(), RETURN_URL, new Date())).toEqual({ status: "active" });
  });

  it("declined stays inactive: shoppers see no program and the merchant can ask again", async () => {
    const subscriptionId = await answerPlan(false, OTHER_SHOP);
    const stored = await app.prisma.appSubscription.findUniqueOrThrow({ where: { id: subscriptionId } });
    expect(stored.status).toBe("DECLINED");
    const member = await fetch(
      `${app.url}/proxy/member?${appProxyQuery({ shop: OTHER_SHOP, customerId: null }, TEST_API_SECRET)}`,
      { headers: { "User-Agent": BROWSER_USER_AGENT } },
    );
    expect(((await member.json()) as { program: { enabled: boolean } }).program.enabled).toBe(false);
    const again = await requestPlan(app.prisma, await shopRow(OTHER_SHOP), RETURN_URL, new Date());
    expect(again.status).toBe("approve");
    // Asked twice before answering: the same page, not a second subscription.
    expect(await requestPlan(app.prisma, await shopRow(OTHER_SHOP), RETURN_URL, new Date())).toEqual(again);
    expect(app.double.shop(OTHER_SHOP).subscriptions.map((s) => s.status)).toEqual(["DECLINED", "PENDING"]);
  });
});

describe("usage", () => {
  it("a code used on an order delivered three times is one usage charge, keyed by the redemption", async () => {
    const redemption = await redeemCode(7101);
    const order = orderUsing(redemption.code, 7101);
    for (const webhookId of ["paid-1", "paid-2", "paid-3"]) {
      expect((await app.webhook("orders/paid", SHOP, order, { webhookId })).status).toBe(200);
    }
    // Nothing was sent to Shopify while the order was answered.
    expect(app.double.callsTo("RecordUsage")).toHaveLength(0);
    await recordUsageCharges(app.prisma, new Date());
    await recordUsageCharges(app.prisma, new Date(Date.now() + HOUR));

    const calls = app.double.callsTo("RecordUsage");
    expect(calls).toHaveLength(1);
    expect(calls[0]!.variables).toMatchObject({
      idempotencyKey: redemption.id,
      price: { amount: "0.20", currencyCode: "USD" },
      description: "Loyalty reward used: 5 off",
    });
    const charge = await app.prisma.usageCharge.findUniqueOrThrow({
      where: { shopId_redemptionId: { shopId, redemptionId: redemption.id } },
    });
    expect(charge).toMatchObject({ status: "billed", amount: 20n, currencyCode: "USD" });
    expect(charge.shopifyRecordId).toMatch(/^gid:\/\/shopify\/AppUsageRecord\//);
    const subscription = await app.prisma.appSubscription.findFirstOrThrow({ where: { shopId, status: "ACTIVE" } });
    expect(subscription.balanceUsed).toBe(20n);
  });

  it("points converted to store credit are one usage charge, queued when Shopify credits them", async () => {
    app.double.shop(SHOP).customers.push({
      id: 7150,
      email: "c7150@example.com",
      firstName: "Credit",
      lastName: "Shopper",
      phone: null,
      tags: [],
      createdAt: "2026-01-01T00:00:00Z",
      numberOfOrders: 0,
      amountSpent: "0.00",
    });
    await app.configureProgram(SHOP, (program) =>
      program.rewards.push({
        ...program.rewards[0]!,
        id: "credit",
        name: "Store credit",
        type: "store_credit",
        pointsPerStep: 100,
        amountPerStep: 1,
        minPoints: 100,
        maxPoints: 5000,
        creditExpiryDays: null,
      } as Program["rewards"][number]),
    );
    await earn(7150, "600.00");
    const response = await fetch(proxyUrl("/redemptions", 7150), {
      method: "POST",
      headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "credit", points: 500 }),
    });
    expect(response.status).toBe(201);
    const { redemption } = (await response.json()) as { redemption: { id: string; status: string } };
    expect(redemption.status).toBe("active");
    expect(
      await app.prisma.usageCharge.findUniqueOrThrow({
        where: { shopId_redemptionId: { shopId, redemptionId: redemption.id } },
      }),
    ).toMatchObject({
      status: "queued",
      description: "Loyalty reward used: Store credit",
    });
    await recordUsageCharges(app.prisma, new Date());
    expect(app.double.callsTo("RecordUsage")[0]!.variables).toMatchObject({ idempotencyKey: redemption.id });
  });

  it("an expired code costs nothing", async () => {
    const redemption = await redeemCode(7102);
    await expireUnusedCodes(app.prisma, new Date(Date.now() + 40 * DAY));
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).status).toBe("expired");
    await recordUsageCharges(app.prisma, new Date(Date.now() + 40 * DAY));
    expect(await app.prisma.usageCharge.count({ where: { redemptionId: redemption.id } })).toBe(0);
    expect(app.double.callsTo("RecordUsage")).toHaveLength(0);
  });

  it("a lost answer is retried under the same key: Shopify returns the first record, nothing is charged twice", async () => {
    const before = usageRecords().length;
    const redemption = await redeemCode(7103);
    expect((await app.webhook("orders/paid", SHOP, orderUsing(redemption.code, 7103))).status).toBe(200);
    app.double.failNext({ kind: "lostAnswer" }, { operationName: "RecordUsage" });
    await recordUsageCharges(app.prisma, new Date());
    expect(app.double.callsTo("RecordUsage")).toHaveLength(2);
    expect(usageRecords().length).toBe(before + 1);
    const charge = await app.prisma.usageCharge.findFirstOrThrow({ where: { redemptionId: redemption.id } });
    expect(charge.status).toBe("billed");
    expect(charge.shopifyRecordId).toBe(usageRecords().at(-1)!.id);
  });

  it("with the Admin API down the charge waits in the outbox and is recorded once it answers", async () => {
    const redemption = await redeemCode(7104);
    expect((await app.webhook("orders/paid", SHOP, orderUsing(redemption.code, 7104))).status).toBe(200);
    app.double.failNext({ kind: "http", status: 503 }, { operationName: "RecordUsage", times: 3 });
    const now = Date.now();
    // One attempt per pass here, so each pass meets one failure.
    await recordUsageCharges(app.prisma, new Date(now), { maxAttempts: 1 });
    const task = await app.prisma.outboxTask.findFirstOrThrow({ where: { key: `usage:${redemption.id}` } });
    expect(task).toMatchObject({ attempts: 1, deliveredAt: null });
    expect(task.runAt.getTime()).toBeGreaterThan(now);
    expect((await app.prisma.usageCharge.findFirstOrThrow({ where: { redemptionId: redemption.id } })).status).toBe(
      "queued",
    );
    await recordUsageCharges(app.prisma, new Date(now + HOUR), { maxAttempts: 1 });
    await recordUsageCharges(app.prisma, new Date(now + 2 * HOUR), { maxAttempts: 1 });
    await recordUsageCharges(app.prisma, new Date(now + 3 * HOUR), { maxAttempts: 1 });
    const charge = await app.prisma.usageCharge.findFirstOrThrow({ where: { redemptionId: redemption.id } });
    expect(charge.status).toBe("billed");
    expect(usageRecords().filter((record) => record.idempotencyKey === redemption.id)).toHaveLength(1);
  });

  it("at the cap Shopify refuses the record: the use is kept unbilled, never retried, and shoppers are unaffected", async () => {
    const subscription = app.double.shop(SHOP).subscriptions.find((s) => s.status === "ACTIVE")!;
    // What is used so far, plus room for exactly one more use.
    subscription.cappedAmount = subscription.records.reduce((sum, record) => sum + record.price, 0) + 20;
    const fits = await redeemCode(7105);
    const over = await redeemCode(7106);
    expect((await app.webhook("orders/paid", SHOP, orderUsing(fits.code, 7105))).status).toBe(200);
    expect((await app.webhook("orders/paid", SHOP, orderUsing(over.code, 7106))).status).toBe(200);
    await recordUsageCharges(app.prisma, new Date());
    await recordUsageCharges(app.prisma, new Date(Date.now() + DAY));

    const charges = await app.prisma.usageCharge.findMany({
      where: { redemptionId: { in: [fits.id, over.id] } },
      orderBy: { usedAt: "asc" },
    });
    expect(Object.fromEntries(charges.map((c) => [c.redemptionId, [c.status, c.unbilledReason]]))).toEqual({
      [fits.id]: ["billed", null],
      [over.id]: ["unbilled", "cap_reached"],
    });
    expect(app.double.callsTo("RecordUsage")).toHaveLength(2);
    expect(await app.prisma.outboxTask.count({ where: { key: `usage:${over.id}`, deliveredAt: null } })).toBe(0);
    // The shopper still redeems.
    await redeemCode(7107);
  });
});

describe("the subscription webhooks", () => {
  const updatePayload = (id: string, status: string, shopGid?: string) =>
    webhookPayload("app_subscriptions/update", {
      app_subscription: {
        ...(webhookPayload("app_subscriptions/update") as { app_subscription: Record<string, unknown> })
          .app_subscription,
        admin_graphql_api_id: id,
        status,
        ...(shopGid ? { admin_graphql_api_shop_id: shopGid } : {}),
      },
    });

  it("refuses a forged update (401) and changes nothing", async () => {
    const active = await app.prisma.appSubscription.findFirstOrThrow({ where: { shopId, status: "ACTIVE" } });
    const response = await app.webhook("app_subscriptions/update", SHOP, updatePayload(active.id, "CANCELLED"), {
      secret: "not-the-app-secret",
    });
    expect(response.status).toBe(401);
    expect((await app.prisma.appSubscription.findUniqueOrThrow({ where: { id: active.id } })).status).toBe("ACTIVE");
  });

  it("ignores a subscription this shop never had (another app's, another shop's)", async () => {
    const active = await app.prisma.appSubscription.findFirstOrThrow({ where: { shopId, status: "ACTIVE" } });
    const otherShops = await app.prisma.appSubscription.findFirstOrThrow({
      where: { shop: { domain: OTHER_SHOP }, status: "DECLINED" },
    });
    for (const payload of [
      updatePayload("gid://shopify/AppSubscription/999999", "CANCELLED"),
      updatePayload(otherShops.id, "ACTIVE"),
    ]) {
      expect((await app.webhook("app_subscriptions/update", SHOP, payload)).status).toBe(200);
    }
    expect((await app.prisma.appSubscription.findUniqueOrThrow({ where: { id: active.id } })).status).toBe("ACTIVE");
    expect((await app.prisma.appSubscription.findUniqueOrThrow({ where: { id: otherShops.id } })).status).toBe(
      "DECLINED",
    );
  });

  it("keeps the balance Shopify reports near the cap", async () => {
    const active = await app.prisma.appSubscription.findFirstOrThrow({ where: { shopId, status: "ACTIVE" } });
    const payload = webhookPayload("app_subscriptions/approaching_capped_amount", {
      app_subscription: {
        ...(webhookPayload("app_subscriptions/approaching_capped_amount") as { app_subscription: object })
          .app_subscription,
        admin_graphql_api_id: active.id,
        balance_used: 91,
        capped_amount: "100.0",
        currency_code: "USD",
      },
    });
    expect((await app.webhook("app_subscriptions/approaching_capped_amount", SHOP, payload)).status).toBe(200);
    expect(await app.prisma.appSubscription.findUniqueOrThrow({ where: { id: active.id } })).toMatchObject({
      balanceUsed: 9_100n,
      cappedAmount: 10_000n,
    });
  });

  it("a frozen plan quiets the storefront until Shopify says it is active again", async () => {
    const active = await app.prisma.appSubscription.findFirstOrThrow({ where: { shopId, status: "ACTIVE" } });
    const enabled = async () =>
      (
        (await (await fetch(proxyUrl("/member", null), { headers: { "User-Agent": BROWSER_USER_AGENT } })).json()) as {
          program: { enabled: boolean };
        }
      ).program.enabled;
    expect(await enabled()).toBe(true);
    expect((await app.webhook("app_subscriptions/update", SHOP, updatePayload(active.id, "FROZEN"))).status).toBe(200);
    expect(await enabled()).toBe(false);
    expect((await app.webhook("app_subscriptions/update", SHOP, updatePayload(active.id, "ACTIVE"))).status).toBe(200);
    expect(await enabled()).toBe(true);
  });

  it("uninstalling cancels the plan; reinstalling asks for it again", async () => {
    expect((await app.webhook("app/uninstalled", SHOP, webhookPayload("app/uninstalled"))).status).toBe(200);
    expect(await app.prisma.appSubscription.count({ where: { shopId, status: "ACTIVE" } })).toBe(0);
    await app.installShop(SHOP);
    expect((await app.admin("/api/program", SHOP)).status).toBe(200);
    expect((await requestPlan(app.prisma, await shopRow(), RETURN_URL, new Date())).status).toBe("approve");
  });
});
