import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program";
import { openBrowser, screenshot, webVitals, writeArtifact } from "./support/browser";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "browser-shop.myshopify.com";
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  browser = await openBrowser(app.url);
  page = browser.page;
  // The merchant opens the app: the sandbox stands in for the Shopify admin's frame.
  await page.goto(`${app.url}/sandbox/login`);
  await page.getByRole("heading", { name: "Set up your loyalty program" }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const program = async () => {
  const shop = await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
  return shop.program as unknown as Program;
};
const nav = (name: string) => page.getByRole("navigation", { name: "Tally sections" }).getByRole("link", { name });
/** Saved: nothing left to save, the Save button is disabled again. */
const saved = () => page.locator('button:is([disabled], [aria-disabled="true"])', { hasText: /^Save$/ }).waitFor();

describe("the merchant admin in a real browser", () => {
  it("home: the first-run checklist, and LCP/CLS measured", async () => {
    await page.getByText("0 of 4 steps done").waitFor();
    const vitals = await webVitals(page);
    writeArtifact("home-web-vitals.json", vitals);
    await screenshot(page, "home");
  });

  it("earning rules: a live example, field errors, saved to the program", async () => {
    await page.getByRole("link", { name: "Set earning rules" }).click();
    await page.getByRole("heading", { name: "Earning & expiry" }).waitFor();
    const rate = page.getByLabel("Points per 1 unit of your currency spent");
    await rate.fill("-1");
    await page.getByRole("button", { name: "Save" }).click();
    // zod's message for the field, shown on the field itself.
    const fieldError = page.locator(`[id="${await rate.getAttribute("id")}Error"]`);
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toMatch(/>=\s*0|too small/i);
    await rate.fill("2");
    await page.getByText("An order of 120.00 earns 240 points").waitFor();
    await page.getByRole("button", { name: "Save" }).click();
    await saved();
    expect((await program()).earning.order.pointsPerCurrencyUnit).toBe(2);
    await screenshot(page, "program");
  });

  it("warns before leaving with unsaved changes", async () => {
    await page.getByLabel("Points for creating an account").fill("25");
    await nav("Home").click();
    await page.getByRole("dialog").getByText("Leave with unsaved changes?").waitFor();
    await page.getByRole("button", { name: "Stay" }).click();
    await page.getByRole("button", { name: "Discard" }).click();
    await nav("Home").click();
    await page.getByText("1 of 4 steps done").waitFor();
  });

  it("creates a reward, with the combination rules in words", async () => {
    await page.getByRole("link", { name: "Create a reward" }).click();
    await page.getByLabel("Name shoppers see").fill("Tote bag discount");
    await page.getByLabel("Points it costs").fill("300");
    await page.getByLabel("Amount off").fill("7");
    await page.getByLabel("Shipping discounts").check();
    await page.getByText("The code can be used together with shipping discounts.").waitFor();
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/app\/rewards\/new-reward/);
    const reward = (await program()).rewards.find((r) => r.name === "Tote bag discount");
    expect(reward).toMatchObject({ type: "fixed_amount", pointsCost: 300, amount: 7, combinesWith: { shippingDiscounts: true } });
    await nav("Rewards").click();
    const row = page.getByRole("row", { name: /Tote bag discount/ });
    await row.waitFor();
    expect(await row.textContent()).toContain("7.00 off the order");
    await screenshot(page, "rewards");
  });

  it("VIP tiers are edited and saved", async () => {
    await nav("VIP tiers").click();
    await page.getByRole("button", { name: "Add tier" }).click();
    await page.getByLabel("Tier name").fill("Gold");
    await page.getByLabel("Points earned to reach it").fill("1000");
    await page.getByRole("button", { name: "Save" }).click();
    await saved();
    expect((await program()).tiers.levels).toEqual([expect.objectContaining({ name: "Gold", threshold: 1000 })]);
    await screenshot(page, "tiers");
  });

  it("completes onboarding: the checklist goes away", async () => {
    await nav("Home").click();
    await page.getByText("2 of 4 steps done").waitFor();
    // Both open Shopify (the theme editor, the storefront) in a new tab, which this browser refuses.
    await page.getByRole("link", { name: "Open theme editor" }).click();
    await page.getByText("3 of 4 steps done").waitFor();
    await page.getByRole("link", { name: "Preview" }).click();
    await page.getByRole("heading", { name: "Set up your loyalty program" }).waitFor({ state: "detached" });
    await nav("Rewards").click();
    await nav("Home").click();
    await page.getByText("Loyalty program for").waitFor();
    expect(await page.getByRole("heading", { name: "Set up your loyalty program" }).count()).toBe(0);
  });
});
