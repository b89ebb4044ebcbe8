import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordUsageCharges } from "~/jobs/outbox.server";
import { appProxyQuery } from "../sandbox/signing";
import { openBrowser, screenshot } from "./support/browser";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

const SHOP = "billing-browser.myshopify.com";
const SHOPPER = 9101;
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_BILLING: "on", TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  await app.configureProgram(SHOP, () => {});
  browser = await openBrowser(app.url);
  page = browser.page;
  // Shopify's approval page is on Shopify's origin (the double's); Shopify sends the merchant back
  // to the app's public URL (SHOPIFY_APP_URL, https://tally.test), which reaches this server.
  const publicOrigin = new URL(process.env.SHOPIFY_APP_URL!).origin;
  await browser.context.unrouteAll();
  await browser.context.route(
    () => true,
    async (route) => {
      const url = new URL(route.request().url());
      if (url.origin === new URL(app.url).origin || url.origin === app.double.origin) return route.continue();
      if (url.origin === publicOrigin) {
        return route.fulfill({ status: 302, headers: { Location: `${app.url}${url.pathname}${url.search}` } });
      }
      return route.abort();
    },
  );
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const proxyUrl = (path: string) =>
  `${app.url}/proxy${path}?${appProxyQuery({ shop: SHOP, customerId: SHOPPER }, TEST_API_SECRET)}`;

let nextOrder = 71_000;
const paidOrder = (price: string, discountCodes: { code: string; amount: string; type: string }[] = []) =>
  app.webhook("orders/paid", SHOP, {
    ...orderPayload("orders/paid", {
      id: nextOrder++,
      customer: { id: SHOPPER, email: "shopper@example.com" },
      lines: [{ price }],
    }),
    discount_codes: discountCodes,
  });

describe("billing in a real browser", () => {
  it("a new install opens on the plan to approve", async () => {
    await page.goto(`${app.url}/sandbox/login`);
    await page.waitForURL(/\/app\/billing\?/);
    await page.getByRole("heading", { name: "Approve Tally's plan" }).waitFor();
    await page
      .getByText(
        "Tally charges $0.20 each time a shopper uses a reward — earning points is free — and never more than $100.00 every 30 days.",
      )
      .waitFor();
    await page.getByText("Shoppers don't see your loyalty program until you approve the plan.").waitFor();
    await screenshot(page, "billing-approval");
  });

  it("approving in Shopify brings the merchant back to the active plan", async () => {
    await page.getByRole("button", { name: "Approve plan in Shopify" }).click();
    await page.waitForURL((url) => url.origin === app.double.origin);
    await page.getByRole("heading", { name: "Approve subscription" }).waitFor();
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL((url) => url.origin === new URL(app.url).origin && url.pathname === "/app/billing");
    await page.getByRole("heading", { name: "Your plan" }).waitFor();
    await page.getByText("Active", { exact: true }).waitFor();
    await page.getByText("$0.00 of $100.00 used").waitFor();
    const stored = await app.prisma.appSubscription.findFirstOrThrow({ where: { shop: { domain: SHOP } } });
    expect(stored.status).toBe("ACTIVE");
  });

  it("a reward used on a paid order is billed and listed", async () => {
    expect((await paidOrder("600.00")).status).toBe(200);
    const redeemed = await fetch(proxyUrl("/redemptions"), {
      method: "POST",
      headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "five-off" }),
    });
    expect(redeemed.status).toBe(201);
    const { redemption } = (await redeemed.json()) as { redemption: { code: string } };
    expect((await paidOrder("40.00", [{ code: redemption.code, amount: "5.00", type: "fixed_amount" }])).status).toBe(
      200,
    );
    await recordUsageCharges(app.prisma, new Date());

    await page.reload();
    await page.getByRole("heading", { name: "Rewards used this cycle" }).waitFor();
    const charge = page.getByRole("row", { name: /Loyalty reward used: 5 off/ });
    await charge.waitFor();
    expect(await charge.textContent()).toContain("Billed");
    await page.getByText("$0.20 of $100.00 used").waitFor();
    await screenshot(page, "billing-charged");
  });
});
