import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program/program";
import { openBrowser, screenshot } from "./support/browser";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/*
 * The paid membership as shoppers see it in the sandbox's storefront preview (the theme
 * extension's Liquid and tally-membership.js, the App Proxy signed as Shopify does, the Cart AJAX
 * stand-in): a guest is offered the plan and puts it in the cart; a paying member sees their
 * status, renewal date and savings. The membership is seeded as the lifecycle writes it.
 */

const SHOP = "membership-browser.myshopify.com";
const SHOPPER = 961;
const DAY = 86_400_000;
const CUSTOMERS = [
  {
    id: SHOPPER,
    email: `c${SHOPPER}@example.com`,
    firstName: "Ava",
    lastName: "Martin",
    phone: null,
    tags: [],
    createdAt: "2026-03-14T10:00:00Z",
    numberOfOrders: 0,
    amountSpent: "0.00",
  },
];
const MEMBERSHIP: Program["membership"] = {
  enabled: true,
  name: "Club Plus",
  translations: {},
  plans: [
    {
      id: "yearly",
      name: "Yearly",
      translations: {},
      interval: "year",
      intervalCount: 1,
      price: 79,
      variantId: "44020001",
      productHandle: "club-plus",
    },
  ],
  graceDays: 7,
  endingSoonDays: 7,
  perks: {
    earnMultiplier: 2,
    stacksWithTier: false,
    joinBonusPoints: 0,
    renewalBonusPoints: 0,
    discounts: {
      percentageOff: null,
      freeShipping: {
        minimumSubtotal: null,
        combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: false },
      },
    },
    tag: "Club Plus",
  },
};
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let shopId: string;

const preview = (query: string) => `${app.url}/sandbox/storefront?${query}`;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP, { customers: CUSTOMERS });
  shopId = await app.configureProgram(SHOP, (program) => {
    program.membership = MEMBERSHIP;
  });
  await app.prisma.shop.update({ where: { id: shopId }, data: { currencyCode: "EUR" } });
  browser = await openBrowser(app.url);
  page = browser.page;
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("the paid membership in the storefront preview", () => {
  it("offers a guest the plan in the launcher, and its button puts the plan's variant in the cart", async () => {
    await page.goto(preview("customer=guest&page=product"));
    await page.getByRole("button", { name: "Rewards" }).click();
    const box = page.locator(".tally-launcher [data-tally-membership]");
    await box.getByText("Join Club Plus for €79.00/year: 2× points, free shipping").waitFor();
    await screenshot(page, "storefront-membership-offer");

    const added = page.waitForRequest((request) => request.url().endsWith("/sandbox/cart/add.js"));
    await box.getByRole("button", { name: "Become a member" }).click();
    const request = await added;
    expect(request.method()).toBe("POST");
    expect(request.postDataJSON()).toEqual({ items: [{ id: 44020001, quantity: 1 }] });
    // Then to the cart, which has the plan.
    await page.waitForURL(/page=cart/);
    await page.getByText("Club Plus — Yearly").waitFor();
  });

  it("shows a paying member their status, renewal date and savings in the account block and the launcher", async () => {
    const paid = await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", {
        id: 96_001,
        customer: { id: SHOPPER, email: `c${SHOPPER}@example.com` },
        lines: [{ price: "40.00" }],
      }),
    );
    expect(paid.status).toBe(200);
    const member = await app.prisma.member.findUniqueOrThrow({
      where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(SHOPPER) } },
    });
    const paidThrough = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 5, 30, 12));
    await app.prisma.paidMembership.create({
      data: {
        memberId: member.id,
        shopId,
        planId: "yearly",
        startedAt: new Date(paidThrough.getTime() - 365 * DAY),
        paidThrough,
        startedBy: "order:96000:1",
        status: "active",
        autoRenews: true,
        extraPoints: 240n,
        discountCents: 1250n,
      },
    });

    await page.goto(preview(`customer=${SHOPPER}&page=account`));
    const box = page.locator(".tally-account [data-tally-membership]");
    await box.getByText("Club Plus member · Yearly").waitFor();
    await box.getByText(`Renews on Jun 30, ${paidThrough.getUTCFullYear()}`).waitFor();
    await box.getByText("Saved so far: €12.50 and 240 points").waitFor();
    expect(await box.getByRole("button", { name: "Become a member" }).count()).toBe(0);
    await screenshot(page, "storefront-membership-status");

    await page.goto(preview(`customer=${SHOPPER}&page=product`));
    await page.getByRole("button", { name: "Rewards" }).click();
    await page.locator(".tally-launcher [data-tally-membership]").getByText("Club Plus member · Yearly").waitFor();
  });
});
