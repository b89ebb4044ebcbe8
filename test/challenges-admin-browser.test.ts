import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program/program";
import { openBrowser, screenshot } from "./support/browser";
import { startTestApp, type TestApp } from "./support/test-app";

/* The merchant creates a challenge and a milestone and turns the leaderboard on, in the embedded admin. */

const SHOP = "challenges-admin.myshopify.com";
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  browser = await openBrowser(app.url);
  page = browser.page;
  await page.goto(`${app.url}/sandbox/login`);
  await page.getByRole("heading", { name: "Set up your loyalty program" }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const program = async () =>
  (await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).program as unknown as Program;
const toast = (text: string) => page.locator(".Polaris-Frame-Toast", { hasText: text });

describe("the challenges page", () => {
  it("creates a challenge with its goal, reward and badge, a milestone, and turns the leaderboard on", async () => {
    await page.getByRole("navigation", { name: "Tally sections" }).getByRole("link", { name: "Challenges" }).click();
    await page.getByRole("heading", { name: "Challenges and badges" }).waitFor();
    await page.getByText("No challenges yet.").waitFor();
    await page.getByRole("button", { name: "Add challenge" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Come back soon");
    await page.getByLabel("Description (shoppers see it)").fill("Order twice within 30 days");
    await page.getByLabel("Goal").selectOption("orders");
    await page.getByLabel("How many", { exact: true }).fill("2");
    await page.getByLabel("Within days (optional)").fill("30");
    await page.getByLabel("Points given").fill("100");
    await page.getByLabel("Badge", { exact: true }).first().selectOption("comeback");
    await page.getByText("0 members completed it").waitFor();

    await page.getByRole("button", { name: "Add milestone" }).click();
    const milestoneName = page.getByLabel("Name", { exact: true }).nth(1);
    await milestoneName.fill("Big fan");
    await page.getByLabel("Reached at").selectOption("lifetime_points");
    await page.getByLabel("Threshold").fill("1000");
    await page.getByLabel("Show a monthly leaderboard").check();
    await page.getByRole("button", { name: "Save" }).first().click();
    await toast("Saved").waitFor();
    await screenshot(page, "challenges-admin");

    const { engagement } = await program();
    expect(engagement.challenges).toEqual([
      expect.objectContaining({
        id: "come-back-soon",
        name: "Come back soon",
        description: "Order twice within 30 days",
        goal: { type: "orders", count: 2, withinDays: 30 },
        reward: { type: "points", points: 100 },
        badge: "comeback",
        repeatable: false,
      }),
    ]);
    expect(engagement.milestones).toEqual([
      expect.objectContaining({ id: "big-fan", name: "Big fan", metric: "lifetime_points", threshold: 1000 }),
    ]);
    expect(engagement.leaderboard).toEqual({ enabled: true, size: 10 });
    // The storefront's copy says so: the theme loads the challenges box.
    const shop = await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(shop.programRevision).toBeGreaterThan(0);
  });

  it("shows the server's error by its field and saves nothing", async () => {
    await page.getByLabel("How many", { exact: true }).fill("0");
    await page.getByRole("button", { name: "Save" }).first().click();
    await page.getByText(/thing to fix before saving/).waitFor();
    expect((await program()).engagement.challenges[0]!.goal).toEqual({ type: "orders", count: 2, withinDays: 30 });
  });
});
