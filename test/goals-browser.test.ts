import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program/program";
import { openBrowser, screenshot } from "./support/browser";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/*
 * Program goals (issue 25, docs/goals.md) in the embedded admin: the merchant sets a goal from the
 * home dashboard's Goals card, saves it, and after a reload sees its progress on the dashboard; a 0%
 * target or a last day before the first is refused with the field's error, and nothing is saved.
 */

const SHOP = "goals-browser.myshopify.com";
const DAY = 86_400_000;
const day = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let shopId = "";

const pay = async (id: number, customer: number | null, price: string) => {
  const payload = orderPayload("orders/paid", {
    id,
    customer: customer ? { id: customer, email: `c${customer}@example.com` } : null,
    email: customer ? undefined : "guest@example.com",
    lines: [{ price }],
    processedAt: new Date(Date.now() - 2 * DAY).toISOString(),
  });
  expect((await app.webhook("orders/paid", SHOP, payload)).status).toBe(200);
};

const stored = async () => {
  const shop = await app.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  return { revision: shop.programRevision, goals: (shop.program as unknown as Program).accounting.goals };
};

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.earning.order.holdDays = 0;
  });
  // Two days ago: a member's order of 100.00 and a guest's of 100.00 — members made half the sales.
  await pay(61_001, 9001, "100.00");
  await pay(61_002, null, "100.00");
  await app.prisma.$executeRaw`
    UPDATE "Member" SET "createdAt" = ${new Date(Date.now() - 30 * DAY)} WHERE "shopId" = ${shopId}`;
  browser = await openBrowser(app.url);
  page = browser.page;
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto(`${app.url}/sandbox/login`);
  await page.getByRole("heading", { name: "Set up your loyalty program" }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("program goals", () => {
  it("sets a goal from the dashboard, saved, and shown with its progress once loaded afresh", async () => {
    await page.getByRole("heading", { name: "Goals", exact: true }).waitFor();
    await page.getByText("No goals yet. Set a target").waitFor();
    await page.getByRole("link", { name: "Set goals" }).click();
    await page.getByRole("heading", { name: "Program goals" }).waitFor();
    await page.getByRole("button", { name: "Add goal" }).click();
    await page.getByLabel("Measure").selectOption("member_revenue_share");
    await page.getByLabel("Target").fill("80");
    await page.getByLabel("First day").fill(day(-10));
    await page.getByLabel("Last day").fill(day(19));
    await page.getByRole("button", { name: "Save" }).first().click();
    await page.locator(".Polaris-Frame-Toast", { hasText: "Saved" }).waitFor();
    expect((await stored()).goals).toEqual([
      {
        id: "goal-1",
        metric: "member_revenue_share",
        target: 8000,
        startsAt: `${day(-10)}T00:00:00.000Z`,
        endsAt: `${day(20)}T00:00:00.000Z`,
      },
    ]);

    // A fresh load of the page (the embedded admin's URL: a bare reload would sign the sandbox out).
    await page.goto(await app.adminDocumentUrl("/app/goals", SHOP));
    await expect.poll(() => page.getByLabel("Target").inputValue()).toBe("80");
    await page.goto(await app.adminDocumentUrl("/app", SHOP));
    const goal = page.getByRole("region", { name: "Members' share of sales" });
    await goal.waitFor();
    // Half the sales against an 80% target: 63% of the way, a third of the dates gone.
    expect(await goal.innerText()).toContain("50% of a 80% target");
    expect(await goal.getByRole("progressbar").getAttribute("value")).toBe("63");
    await goal.getByText("On track").waitFor();
    await goal.getByText(/– /).waitFor();
    await screenshot(page, "goals-dashboard");
  });

  it("refuses a 0% target and a last day before the first, saving nothing", async () => {
    const before = await stored();
    await page.getByRole("link", { name: "Edit goals" }).click();
    await page.getByRole("heading", { name: "Program goals" }).waitFor();

    await page.getByLabel("Target").fill("0");
    await page.getByRole("button", { name: "Save" }).first().click();
    await page.getByText("Enter a target between 0.01% and 100%.").waitFor();
    expect(await stored()).toEqual(before);

    await page.getByLabel("Target").fill("80");
    await page.getByLabel("Last day").fill(day(-20));
    await page.getByRole("button", { name: "Save" }).first().click();
    await page.getByText("The last day must be on or after the first day.").waitFor();
    expect(await stored()).toEqual(before);
    await screenshot(page, "goals-errors");
  });
});
