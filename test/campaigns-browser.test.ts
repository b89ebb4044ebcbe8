import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCampaigns } from "~/loyalty/campaigns/campaigns.server";
import { openBrowser, screenshot } from "./support/browser";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

const SHOP = "campaigns-browser.myshopify.com";
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  // Three members, each with a paid order as Shopify delivers it.
  for (const [i, email] of ["ava@example.com", "ben@example.com", "cy@example.com"].entries()) {
    const paid = await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", { id: 81_001 + i, customer: { id: 8_101 + i, email }, lines: [{ price: "10.00" }] }),
    );
    expect(paid.status).toBe(200);
  }
  browser = await openBrowser(app.url);
  page = browser.page;
  await page.goto(`${app.url}/sandbox/login`);
  await page.getByRole("heading", { name: "Set up your loyalty program" }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("the Campaigns page in a real browser", () => {
  it("counts the recipients first, then sends and shows the progress", async () => {
    await page.getByRole("navigation", { name: "Tally sections" }).getByRole("link", { name: "Campaigns" }).click();
    await page.getByRole("heading", { name: "Campaigns", exact: true }).waitFor();
    await page.getByText("No campaigns yet.").waitFor();
    await page.getByLabel("Campaign name").fill("Thank you");
    await page.getByLabel("Points each").fill("200");
    await page.getByLabel("Message to the shopper").fill("200 points from Tally Outfitters: thank you!");
    const send = page.getByRole("button", { name: "Send campaign" });
    // Nothing is sent before the merchant has seen how many it reaches.
    expect(await send.isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Count recipients" }).click();
    await page.getByText("3 members will receive it.").waitFor();
    await screenshot(page, "campaigns-counted");
    await send.click();
    await page.getByText("Campaign created: it sends in the background").waitFor();
    const campaign = await app.prisma.campaign.findFirstOrThrow({ where: { name: "Thank you" } });
    // The job sends one member, then the rest; the page follows without a reload.
    await runCampaigns(app.prisma, new Date(), undefined, { maxBatches: 1, batchSize: 1 });
    await page.getByText("1 of 3 members").waitFor();
    await page.getByText("Sending", { exact: true }).waitFor();
    await screenshot(page, "campaigns-progress");
    await runCampaigns(app.prisma, new Date(), undefined, { budgetMs: 60_000 });
    await page.getByText("3 of 3 members").waitFor();
    await page.getByText("Sent", { exact: true }).waitFor();
    await page.getByText("200 points · All members").waitFor();
    expect(await app.prisma.ledgerEntry.count({ where: { sourceType: "campaign", sourceId: campaign.id } })).toBe(3);
    await screenshot(page, "campaigns-sent");
  });

  it("a message with markup shows as text", async () => {
    await page.getByLabel("Campaign name").fill("Markup");
    await page.getByLabel("Message to the shopper").fill("<b>bold</b><img src=x onerror=alert(1)>");
    await page.getByRole("button", { name: "Count recipients" }).click();
    await page.getByText("3 members will receive it.").waitFor();
    await page.getByRole("button", { name: "Send campaign" }).click();
    await page.getByText("<b>bold</b><img src=x onerror=alert(1)>").last().waitFor();
    expect(await page.locator("b", { hasText: "bold" }).count()).toBe(0);
  });

  it("cancels a campaign that is still to send", async () => {
    await page.getByRole("button", { name: "Cancel campaign" }).first().click();
    await page.getByText("Cancelled", { exact: true }).waitFor();
  });
});
