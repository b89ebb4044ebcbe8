import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, screenshot } from "./support/browser";
import { BROWSER_USER_AGENT } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

const SHOP = "partners-browser.myshopify.com";
const AVA = { id: 7_201, email: "ava@example.com" };
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  // Ava is a member: one paid order, as Shopify delivers it.
  const paid = await app.webhook(
    "orders/paid",
    SHOP,
    orderPayload("orders/paid", { id: 72_001, customer: AVA, lines: [{ price: "10.00" }] }),
  );
  expect(paid.status).toBe(200);
  browser = await openBrowser(app.url);
  page = browser.page;
  await page.goto(`${app.url}/sandbox/login`);
  await page.getByRole("heading", { name: "Set up your loyalty program" }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const earn = (key: string, externalId: string) =>
  fetch(`${app.url}/api/partners/earn`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", "User-Agent": BROWSER_USER_AGENT },
    body: JSON.stringify({ customer: { email: AVA.email }, amount: "12.50", currency: "EUR", externalId }),
  });
const keyField = () => page.getByRole("textbox", { name: "API key" });

describe("the Partners page in a real browser", () => {
  let key = "";

  it("adds a partner and shows its key once", async () => {
    await page.getByRole("navigation", { name: "Tally sections" }).getByRole("link", { name: "Partners" }).click();
    await page.getByRole("heading", { name: "Partners", exact: true }).waitFor();
    await page.getByText("No partners yet.").waitFor();
    await page.getByLabel("Partner name").fill("Hotel Lumen");
    await page.getByLabel("How they earn").selectOption("per_amount");
    await page.getByLabel("Points per currency unit").fill("2");
    await page.getByLabel("Daily cap per customer (points)").fill("500");
    await page.getByRole("button", { name: "Add partner" }).click();
    await page.getByText("Copy Hotel Lumen's API key now").waitFor();
    key = await keyField().inputValue();
    expect(key).toMatch(/^tpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    await page.getByText("2 points per currency unit spent · at most 500 points per customer per day").waitFor();
    await screenshot(page, "partners-key-shown");
    expect((await earn(key, "stay-1")).status).toBe(201);
  });

  it("after a reload the key is gone; the report shows the month's figures", async () => {
    // As the Shopify admin reloads the app's frame: the page again, with a fresh session token.
    await page.goto(await app.adminDocumentUrl("/app/partners", SHOP));
    await page.getByRole("heading", { name: "Partner report" }).waitFor();
    expect(await keyField().count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    await page.getByText(`API key ${key.slice(0, 10)}…`).waitFor();
    const month = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date());
    // 12.50 at 2 points per unit is 25 points; the default reward values 500 points at €5.00.
    const row = page.getByRole("row").filter({ hasText: "Hotel Lumen" });
    await row.filter({ hasText: month }).waitFor();
    expect((await row.innerText()).split(/\s*\t\s*|\n/).filter(Boolean)).toEqual([
      month,
      "Hotel Lumen",
      "25",
      "1",
      "€0.25",
    ]);
    await page.getByText("Cost at your liability rate: 500 points = €5.00 (5 off).", { exact: false }).waitFor();
    await screenshot(page, "partners-report");
  });

  it("rotating shows a new key once; the old key stops working", async () => {
    await page.getByRole("button", { name: "Rotate the key of Hotel Lumen" }).click();
    await page.getByText("Copy Hotel Lumen's new API key now").waitFor();
    const rotated = await keyField().inputValue();
    expect(rotated).not.toBe(key);
    expect((await earn(key, "stay-2")).status).toBe(401);
    expect((await earn(rotated, "stay-2")).status).toBe(201);
    await page.getByRole("button", { name: "I have copied the key" }).click();
    expect(await keyField().count()).toBe(0);
    key = rotated;
  });

  it("changing a partner's settings keeps its key", async () => {
    await page.getByRole("button", { name: "Edit Hotel Lumen" }).click();
    const row = page.locator(".Polaris-Box", { has: page.getByRole("button", { name: "Save" }) }).last();
    await row.getByLabel("Daily cap per customer (points)").fill("1000");
    await row.getByLabel("Pending days").fill("3");
    await row.getByRole("button", { name: "Save" }).click();
    await page.getByText("Partner saved.").waitFor();
    await page
      .getByText("2 points per currency unit spent · at most 1000 points per customer per day · pending 3 days")
      .waitFor();
    expect((await earn(key, "stay-edited")).status).toBe(202);
  });

  it("revoking stops the key for good", async () => {
    await page.getByRole("button", { name: "Revoke Hotel Lumen" }).click();
    // A second step: nothing is revoked until the merchant confirms.
    await page.getByText("Revoke Hotel Lumen? Its key stops working for good; the points it awarded stay.").waitFor();
    await page.getByRole("button", { name: "Cancel" }).click();
    expect((await earn(key, "stay-2b")).status).toBe(202);
    await page.getByRole("button", { name: "Revoke Hotel Lumen" }).click();
    await page.getByRole("button", { name: "Revoke for good" }).click();
    await page.getByText("The partner's key is revoked: it no longer earns points.").waitFor();
    await page.getByText("Revoked", { exact: true }).waitFor();
    expect(await page.getByRole("button", { name: "Rotate the key of Hotel Lumen" }).count()).toBe(0);
    expect((await earn(key, "stay-3")).status).toBe(401);
    await screenshot(page, "partners-revoked");
  });
});
