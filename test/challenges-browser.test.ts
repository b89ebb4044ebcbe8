import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser } from "./support/browser";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/*
 * Challenges, badges and the leaderboard as a shopper sees them in the sandbox's storefront
 * preview (the theme extension's Liquid and tally-engage.js, the App Proxy signed as Shopify does).
 */

const SHOP = "challenges-storefront.myshopify.com";
const SHOPPER = 951;
const RIVAL = 952;
const CUSTOMERS = [
  [SHOPPER, "Ava", "Martin"],
  [RIVAL, "Noah", "Bernard"],
].map(([id, firstName, lastName]) => ({
  id: Number(id),
  email: `c${id}@example.com`,
  firstName: String(firstName),
  lastName: String(lastName),
  phone: null,
  tags: [],
  createdAt: "2026-03-14T10:00:00Z",
  numberOfOrders: 0,
  amountSpent: "0.00",
}));
const ARTIFACTS = path.resolve("test-results/storefront");
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

const preview = (query: string) => `${app.url}/sandbox/storefront?${query}`;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP, { customers: CUSTOMERS });
  await app.configureProgram(SHOP, (program) => {
    program.engagement.challenges = [
      {
        id: "come-back",
        name: "Come back soon",
        description: "Order twice within 30 days",
        translations: {},
        goal: { type: "orders", count: 2, withinDays: 30 },
        reward: { type: "points", points: 100 },
        badge: "comeback",
        startsAt: null,
        endsAt: null,
        repeatable: false,
        tierIds: [],
      },
    ];
    program.engagement.milestones = [
      { id: "first", name: "First order", translations: {}, metric: "orders", threshold: 1, badge: "star" },
      { id: "regular", name: "Regular", translations: {}, metric: "orders", threshold: 5, badge: "crown" },
    ];
    program.engagement.leaderboard = { enabled: true, size: 10 };
  });
  for (const [id, customer, price, at] of [
    [7501, SHOPPER, "120.00", daysAgo(18)],
    [7502, RIVAL, "300.00", daysAgo(2)],
  ] as const) {
    const paid = await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", {
        id,
        customer: { id: customer, email: `c${customer}@example.com` },
        lines: [{ price }],
        processedAt: at,
      }),
    );
    expect(paid.status).toBe(200);
  }
  browser = await openBrowser(app.url);
  page = browser.page;
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("challenges in the storefront preview", () => {
  it("a shopper sees a challenge's progress, their badges, and joins the leaderboard under a nickname", async () => {
    await page.goto(preview(`customer=${SHOPPER}&page=account`));
    const box = page.locator(".tally-account [data-tally-engage]");
    await box.getByText("Come back soon").waitFor();
    expect(await box.textContent()).toContain("1 of 2 orders — 12 days left");
    expect(await box.locator("progress").first().getAttribute("value")).toBe("1");
    // Badges: the first order's, earned; the next one with its progress.
    const earned = box.locator("[data-badge='milestone:first']");
    await earned.getByText("First order").waitFor();
    expect(await earned.locator("svg").count()).toBe(1);
    expect(await box.locator("[data-next-badge='milestone:regular']").textContent()).toContain("1 of 5");
    // The leaderboard: off for the shopper until they join.
    expect(await box.textContent()).not.toContain("Ava");
    await box.getByLabel("Nickname (optional)").fill("Ava the <b>Bold</b>");
    await box.getByRole("button", { name: "Join the leaderboard" }).click();
    await box.getByText(/Choose a nickname/).waitFor();
    await box.getByLabel("Nickname (optional)").fill("Ava the Bold");
    await box.getByRole("button", { name: "Join the leaderboard" }).click();
    await box.getByText("Your rank: #1 with 120 points").waitFor();
    expect(await box.locator(".tally-leaderboard li").allTextContents()).toEqual(["#1 Ava the Bold (you)120 points"]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "challenges-account.png"), fullPage: true });

    // The launcher's panel shows the same box.
    await page.goto(preview(`customer=${SHOPPER}&page=product`));
    await page.getByRole("button", { name: "Rewards" }).click();
    const panel = page.locator(".tally-launcher").getByRole("dialog");
    await panel.getByText("1 of 2 orders — 12 days left").waitFor();

    // Leaving takes them off.
    await page.goto(preview(`customer=${SHOPPER}&page=account`));
    await box.getByRole("button", { name: "Leave the leaderboard" }).click();
    await box.getByRole("button", { name: "Join the leaderboard" }).waitFor();
    expect(await box.locator(".tally-leaderboard li").count()).toBe(0);
  });

  it("a second order within the window completes the challenge", async () => {
    await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", {
        id: 7503,
        customer: { id: SHOPPER, email: `c${SHOPPER}@example.com` },
        lines: [{ price: "10.00" }],
      }),
    );
    await page.goto(preview(`customer=${SHOPPER}&page=account`));
    const box = page.locator(".tally-account [data-tally-engage]");
    await box.locator("[data-challenge='come-back']").getByText("Completed").waitFor();
    await box.locator("[data-badge='challenge:come-back']").getByText("Come back soon").waitFor();
  });
});
