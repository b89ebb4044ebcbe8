import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverOutbox } from "~/jobs/outbox.server";
import { reconcileOrders } from "~/jobs/points.server";
import { refreshSubscriptions, requestPlan } from "~/loyalty/billing/billing.server";
import type { Program } from "~/loyalty/program/program";
import type { CostLine } from "~/loyalty/reports/program-cost";
import { programCost } from "~/loyalty/reports/program-cost.server";
import type { DoubleCustomer } from "../sandbox/admin-api-double";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, type FixtureLine } from "./support/webhook-fixtures";

/*
 * What the program cost (issue 25, docs/accounting.md), driven the way Shopify drives Tally: a
 * member redeems a reward on the storefront, a signed orders/paid webhook uses the code, a tier
 * perk's automatic discount takes its share, points become store credit, and Tally bills a fee for
 * each reward used. The cost is read back per month of the range and currency.
 */

const SHOP = "cost-shop.myshopify.com";
const GOLD_PERK = "Gold: 10% off";
let app: TestApp;
let shopId: string;
let nextOrderId = 8_700_000;

const CUSTOMERS = [9001, 9002, 9003, 9004, 9005, 9006];
/** Shopify's customer (store credit is credited to their account). */
const doubleCustomer = (id: number): DoubleCustomer => ({
  id,
  email: `c${id}@example.com`,
  firstName: `Shopper${id}`,
  lastName: "Cost",
  phone: null,
  tags: [],
  createdAt: "2026-01-01T00:00:00Z",
  numberOfOrders: 0,
  amountSpent: "0.00",
});

const month = new Date().toISOString().slice(0, 7);
const range = { from: month, to: month };

function programWithCosts(program: Program) {
  const combinesWith = { orderDiscounts: true, productDiscounts: true, shippingDiscounts: true };
  program.tiers.levels = [
    {
      id: "gold",
      name: "Gold",
      threshold: 100_000,
      earnMultiplier: 1,
      entryBonusPoints: 0,
      perks: { percentageOff: { percentage: 10, collectionIds: [], combinesWith }, freeShipping: null },
    },
  ];
  program.rewards.push({
    id: "credit",
    name: "Store credit",
    type: "store_credit",
    pointsPerStep: 100,
    amountPerStep: 1,
    minPoints: 100,
    maxPoints: 5000,
    creditExpiryDays: null,
  } as unknown as Program["rewards"][number]);
}

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_BILLING: "on" } });
  await app.installShop(SHOP, { customers: CUSTOMERS.map(doubleCustomer) });
  app.double.shop(SHOP).partnerDevelopment = true;
  shopId = await app.configureProgram(SHOP, programWithCosts);
  // The merchant approves Tally's usage plan: each reward used is a fee.
  const shop = await app.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  const request = await requestPlan(app.prisma, shop, "https://tally.test/app/billing", new Date());
  const subscriptionId = new URL((request as { confirmationUrl: string }).confirmationUrl).searchParams.get(
    "subscription",
  )!;
  app.double.answerConfirmation(SHOP, subscriptionId, true);
  await refreshSubscriptions(app.prisma, shop, new Date());
});
afterAll(() => app?.close());

const cost = async () => {
  const shop = await app.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  return programCost(app.prisma, shop, range);
};
/** One line of the cost, in minor units of the currency (0 while nothing cost anything in it). */
const costOf = async (currencyCode: string, line: CostLine) =>
  (await cost()).currencies.find((entry) => entry.currencyCode === currencyCode)?.totals[line] ?? 0;

const customer = (id: number) => ({ id, email: `c${id}@example.com` });

async function pay(
  customerId: number,
  lines: FixtureLine[],
  extra: Partial<Parameters<typeof orderPayload>[1]> = {},
  webhookId?: string,
) {
  const payload = orderPayload("orders/paid", { id: nextOrderId++, customer: customer(customerId), lines, ...extra });
  const response = await app.webhook("orders/paid", SHOP, payload, webhookId ? { webhookId } : undefined);
  expect(response.status).toBe(200);
  return payload;
}

/** A member earns on an order, then redeems `body`'s reward on the storefront (the App Proxy). */
async function redeem(customerId: number, body: Record<string, unknown>) {
  await pay(customerId, [{ price: "2000.00" }]);
  const response = await fetch(
    `${app.url}/proxy/redemptions?${appProxyQuery({ shop: SHOP, customerId }, TEST_API_SECRET)}`,
    {
      method: "POST",
      headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    },
  );
  expect(response.status, await response.clone().text()).toBe(201);
  await deliverOutbox(app.prisma, new Date(Date.now() + 60_000));
  return (await response.json()).redemption as { id: string; code: string | null };
}

describe("the cost of a reward's code comes from the order that used it", () => {
  it("10.00 off (7.00 on the line, 3.00 on the shipping) costs 1000 minor units in the order's month, however often Shopify delivers it", async () => {
    const redemption = await redeem(9001, { rewardId: "five-off" });
    // The shopper types the code in lower case; Shopify allocates it to the line and the shipping.
    const typed = redemption.code!.toLowerCase();
    const payload = orderPayload("orders/paid", {
      id: nextOrderId++,
      customer: customer(9001),
      lines: [{ price: "70.00", codeDiscount: { code: typed, amount: "7.00" } }],
      shipping: { price: "5.00", codeDiscount: { code: typed, amount: "3.00" } },
      discountCodes: [{ code: typed, amount: "10.00" }],
    });
    for (const webhookId of ["cost-paid-1", "cost-paid-2"]) {
      expect((await app.webhook("orders/paid", SHOP, payload, { webhookId })).status).toBe(200);
    }
    expect(await app.prisma.orderDiscount.findMany({ where: { shopId, shopifyOrderId: String(payload.id) } })).toEqual([
      expect.objectContaining({
        kind: "reward_code",
        reference: redemption.id,
        amountCents: 1000n,
        currencyCode: "EUR",
      }),
    ]);
    const eur = (await cost()).currencies.find((entry) => entry.currencyCode === "EUR")!;
    expect(eur.months).toEqual([{ month, amounts: expect.objectContaining({ rewardDiscounts: 1000 }) }]);
    expect(eur.totals.rewardDiscounts).toBe(1000);
    // Tally's fee for the reward used: 0.20 in the plan's currency, on its own line.
    expect(await costOf("USD", "usageFees")).toBe(20);
  });

  it("an order with a code that is not Tally's costs nothing", async () => {
    const before = await cost();
    const payload = await pay(9002, [{ price: "50.00", codeDiscount: { code: "SUMMER10", amount: "10.00" } }], {
      discountCodes: [{ code: "SUMMER10", amount: "10.00" }],
    });
    expect(await app.prisma.orderDiscount.count({ where: { shopId, shopifyOrderId: String(payload.id) } })).toBe(0);
    expect(await cost()).toEqual(before);
  });

  it("a test order's and a cancelled order's codes cost nothing", async () => {
    const before = await costOf("EUR", "rewardDiscounts");
    const redemption = await redeem(9003, { rewardId: "five-off" });
    const used = { code: redemption.code!, amount: "5.00" };
    await pay(9003, [{ price: "40.00", codeDiscount: used }], { discountCodes: [used], test: true });
    const cancelled = await pay(9003, [{ price: "40.00", codeDiscount: used }], { discountCodes: [used] });
    expect(await costOf("EUR", "rewardDiscounts")).toBe(before + 500);
    const cancellation = orderPayload("orders/cancelled", {
      id: cancelled.id as number,
      customer: customer(9003),
      lines: [{ price: "40.00" }],
    });
    expect((await app.webhook("orders/cancelled", SHOP, cancellation)).status).toBe(200);
    expect(await costOf("EUR", "rewardDiscounts")).toBe(before);
  });
});

describe("the other lines of the cost", () => {
  it("a tier perk's automatic discount is a tier perk cost; another automatic discount is not", async () => {
    const before = await costOf("EUR", "tierPerks");
    await pay(9004, [
      { price: "80.00", automaticDiscount: { title: GOLD_PERK, amount: "8.00" } },
      { price: "20.00", automaticDiscount: { title: "Black Friday", amount: "4.00" } },
    ]);
    expect(await costOf("EUR", "tierPerks")).toBe(before + 800);
  });

  it("points turned into store credit are store credit issued, and a fee", async () => {
    const before = await costOf("EUR", "storeCredit");
    const fees = await costOf("USD", "usageFees");
    await redeem(9005, { rewardId: "credit", points: 1200 });
    expect(await costOf("EUR", "storeCredit")).toBe(before + 1200);
    expect(await costOf("USD", "usageFees")).toBe(fees + 20);
  });

  it("a paid order the webhooks missed is read by reconciliation with the same discounts", async () => {
    const redemption = await redeem(9006, { rewardId: "five-off" });
    const now = new Date().toISOString();
    const id = nextOrderId++;
    app.double.shop(SHOP).orders.push({
      id,
      name: `#${id}`,
      test: false,
      email: "c9006@example.com",
      createdAt: now,
      processedAt: now,
      updatedAt: now,
      cancelledAt: null,
      taxesIncluded: false,
      displayFinancialStatus: "PAID",
      customer: customer(9006),
      discountCodes: [redemption.code!],
      lineItems: [
        {
          id: id * 10,
          quantity: 1,
          isGiftCard: false,
          productId: null,
          unitPrice: "60.00",
          discount: "0.00",
          allocations: [
            { code: redemption.code!, amount: "2.00" },
            { title: GOLD_PERK, amount: "6.00" },
          ],
        },
      ],
      shippingLines: [{ allocations: [{ code: redemption.code!, amount: "3.00" }] }],
      refunds: [],
    });
    await reconcileOrders(app.prisma, new Date(), { shopDomain: SHOP });
    await reconcileOrders(app.prisma, new Date(), { shopDomain: SHOP });
    const recorded = await app.prisma.orderDiscount.findMany({
      where: { shopId, shopifyOrderId: String(id) },
      orderBy: { kind: "asc" },
    });
    expect(recorded.map(({ kind, reference, amountCents }) => ({ kind, reference, amountCents }))).toEqual([
      { kind: "reward_code", reference: redemption.id, amountCents: 500n },
      { kind: "tier_perk", reference: GOLD_PERK, amountCents: 600n },
    ]);
  });
});
