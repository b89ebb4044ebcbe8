import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program/program";
import { appProxyQuery } from "../sandbox/signing";
import { openBrowser, screenshot } from "./support/browser";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/*
 * The merchant's accountant opens the accounting page in the embedded admin (issue 25): this
 * month's roll-forward after a paid order (Shopify's signed webhook) and a redemption (the App
 * Proxy), valued at the catalog's best rate, and its breakage section; the merchant sets a value per
 * point, saved and shown; the CSV downloaded with that value; and printing keeps the statement only.
 */

const SHOP = "accounting-browser.myshopify.com";
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  await app.configureProgram(SHOP, (program) => {
    program.earning.order.holdDays = 0;
    program.earning.order.pointsPerCurrencyUnit = 1;
  });
  const paid = orderPayload("orders/paid", {
    id: 51_001,
    customer: { id: 8001, email: "a8001@example.com" },
    lines: [{ price: "800.00", lineItemId: 510_011 }],
  });
  expect((await app.webhook("orders/paid", SHOP, paid)).status).toBe(200);
  const redeemed = await fetch(
    `${app.url}/proxy/redemptions?${appProxyQuery({ shop: SHOP, customerId: 8001 }, TEST_API_SECRET)}`,
    {
      method: "POST",
      headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "five-off" }),
    },
  );
  expect(redeemed.status).toBe(201);
  browser = await openBrowser(app.url);
  page = browser.page;
  await page.goto(`${app.url}/sandbox/login`);
  await page.getByRole("navigation", { name: "Tally sections" }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const program = async () =>
  (await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).program as unknown as Program;
const row = (name: string, index: number) => page.getByRole("row", { name: new RegExp(`^${name}`) }).nth(index);

describe("the accounting page", () => {
  it("shows this month's roll-forward in points and at the catalog's best rate", async () => {
    await page.getByRole("navigation", { name: "Tally sections" }).getByRole("link", { name: "Accounting" }).click();
    await page.getByRole("heading", { name: /^Points liability/ }).waitFor();
    await page.getByText("Valued at 500 points = €5.00 (the catalog's best rate: reward 5 off)").waitFor();
    // Twelve months ending this one: this month is the last before the range's total.
    await expect.poll(() => row("Issued: orders", 0).innerText()).toMatch(/\s800\s+800$/);
    await expect.poll(() => row("Redeemed: discounts", 0).innerText()).toMatch(/\s500\s+500$/);
    await expect.poll(() => row("Closing outstanding", 0).innerText()).toMatch(/\s300\s+300$/);
    // The same lines in money: 300 points at 5.00 per 500.
    await expect.poll(() => row("Closing outstanding", 1).innerText()).toMatch(/€3\.00\s+€3\.00$/);
  });

  it("shows this month's cohort in the breakage section: not settled, so no rate and the gross only", async () => {
    await page.getByRole("heading", { name: "Breakage (an estimate)" }).waitFor();
    const cohort = page.getByRole("table").filter({ hasText: "Cohort" }).getByRole("row").nth(1);
    await expect.poll(() => cohort.innerText()).toMatch(/\s800\s+0\s+500\s+300\s+0\.0%\s+No$/);
    await page.getByText("No cohort is settled yet: breakage cannot be estimated").waitFor();
    await page.getByText("Closing outstanding (gross): 300 points, €3.00").waitFor();
    expect(await page.getByText(/^Net of expected breakage/).count()).toBe(0);
  });

  it("sets the value per point: saved, stated and applied", async () => {
    // Polaris draws the radio button over its hidden input: click its label, as a merchant does.
    await page.getByText("A value I set").click();
    await page.getByLabel("Points", { exact: true }).fill("100");
    await page.getByLabel("Are worth").fill("2");
    await page.getByRole("button", { name: "Save" }).first().click();
    await page.locator(".Polaris-Frame-Toast", { hasText: "Saved" }).waitFor();
    expect((await program()).accounting).toEqual({ pointValue: { points: 100, amount: 2 }, goals: [] });
    await page.goto(await app.adminDocumentUrl("/app/accounting", SHOP));
    await page.getByText("Valued at 100 points = €2.00 (the merchant's value)").waitFor();
    await expect.poll(() => row("Closing outstanding", 1).innerText()).toMatch(/€6\.00\s+€6\.00$/);
    await screenshot(page, "accounting-admin");
  });

  it("downloads the CSV with the value it states", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^tally-accounting-\d{4}-\d{2}-\d{4}-\d{2}\.csv$/);
    const lines = readFileSync((await download.path())!, "utf8")
      .replace(/^\uFEFF/, "")
      .split("\n");
    expect(lines[0]).toBe("valued_at,100 points = 2.00 EUR,the merchant's value");
    expect(lines[1]).toBe("month,line,points,amount,currency");
    const thisMonth = new Date().toISOString().slice(0, 7);
    expect(lines).toContain(`${thisMonth},issued_orders,800,16.00,EUR`);
    expect(lines).toContain(`${thisMonth},closing,300,6.00,EUR`);
    // A row per month and line: 12 × 17, the two first rows; the breakage block (two separators,
    // two headers, this month's cohort, six measures); the last newline.
    expect(lines).toHaveLength(12 * 17 + 2 + 11 + 1);
    expect(lines).toContain(`${thisMonth},800,0,500,300,0.0000,no`);
    expect(lines).toContain("liability_gross,300,6.00,EUR");
  });

  it("prints the statement without the tabs, the forms and the buttons", async () => {
    await page.getByRole("button", { name: "Print" }).waitFor();
    await page.emulateMedia({ media: "print" });
    try {
      await expect.poll(() => page.getByRole("navigation", { name: "Tally sections" }).isVisible()).toBe(false);
      expect(await page.getByRole("button", { name: "Export CSV" }).isVisible()).toBe(false);
      expect(await page.getByLabel("A value I set").isVisible()).toBe(false);
      expect(await row("Closing outstanding", 0).isVisible()).toBe(true);
      expect(await page.getByText("Valued at 100 points = €2.00 (the merchant's value)").isVisible()).toBe(true);
      expect(await page.getByRole("heading", { name: "Breakage (an estimate)" }).isVisible()).toBe(true);
    } finally {
      await page.emulateMedia({ media: "screen" });
    }
  });
});
