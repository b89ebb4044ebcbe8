import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program/program";
import { grantWinBacks } from "~/jobs/points.server";
import { openBrowser, screenshot } from "./support/browser";
import { orderPayload } from "./support/webhook-fixtures";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "offers-browser.myshopify.com";
const LAPSED = { id: 9301, email: "lapsed@example.com" };
const DAY = 86_400_000;
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP, {
    customers: [
      {
        ...LAPSED,
        firstName: "Lea",
        lastName: "Shopper",
        phone: null,
        tags: [],
        createdAt: "2026-01-01T00:00:00Z",
        numberOfOrders: 1,
        amountSpent: "120.00",
      },
    ],
  });
  await app.configureProgram(SHOP, (program) => {
    program.tiers = {
      ...program.tiers,
      levels: [
        { id: "silver", name: "Silver", threshold: 100, earnMultiplier: 1, entryBonusPoints: 0, translations: {} },
        { id: "gold", name: "Gold", threshold: 500, earnMultiplier: 1, entryBonusPoints: 0, translations: {} },
      ],
    };
    program.earning.bonusEvents = [
      {
        name: "Double days",
        startsAt: "2026-12-10T00:00:00.000Z",
        endsAt: "2026-12-12T00:00:00.000Z",
        multiplier: 2,
        tierIds: [],
        segmentId: null,
      },
    ];
  });
  // The shop's customer segments, as Shopify lists them to the program page.
  app.double.shop(SHOP).segments.push({ id: "gid://shopify/Segment/4242", name: "VIP list", query: "" });
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
const saved = () => page.locator('button:is([disabled], [aria-disabled="true"])', { hasText: /^Save$/ }).waitFor();

describe("offers on the program page", () => {
  it("the merchant turns win-back offers on and limits a bonus event to Gold members of a segment", async () => {
    await page
      .getByRole("navigation", { name: "Tally sections" })
      .getByRole("link", { name: "Earning & expiry" })
      .click();
    await page.getByRole("heading", { name: "Earning & expiry" }).waitFor();

    await page.getByLabel("Make win-back offers").check();
    await page.getByLabel("After days without an order").fill("60");
    await page.getByLabel("Points multiplier").fill("3");
    await page.getByText("A member who has not ordered for 60 days earns 3× points on orders for 14 days.").waitFor();

    await page.getByRole("checkbox", { name: "Gold" }).check();
    await page.getByLabel("Only for a customer segment").selectOption({ label: "VIP list" });
    await page.getByRole("button", { name: "Save" }).click();
    await saved();
    await screenshot(page, "program-offers");

    const saved_ = await program();
    expect(saved_.offers.winBack).toEqual({ enabled: true, inactiveDays: 60, multiplier: 3, durationDays: 14 });
    expect(saved_.earning.bonusEvents[0]).toMatchObject({
      name: "Double days",
      tierIds: ["gold"],
      segmentId: "gid://shopify/Segment/4242",
    });

    // Everyone again: the event is no longer limited to the segment.
    await page.getByLabel("Only for a customer segment").selectOption({ label: "Everyone" });
    await page.getByRole("button", { name: "Save" }).click();
    await saved();
    expect((await program()).earning.bonusEvents[0]!.segmentId).toBeNull();
  });

  it("the storefront shows a lapsed member their win-back offer and the next reward, in the account block", async () => {
    // Lea last ordered 70 days ago (and joined then): past the 60 days the merchant set.
    const then = new Date(Date.now() - 70 * DAY);
    const paid = await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", {
        id: 93_001,
        customer: LAPSED,
        lines: [{ price: "120.00" }],
        processedAt: then.toISOString(),
      }),
    );
    expect(paid.status).toBe(200);
    await app.prisma.member.updateMany({
      where: { shopifyCustomerId: String(LAPSED.id) },
      data: { createdAt: then },
    });
    expect((await grantWinBacks(app.prisma, new Date(), SHOP)).processed).toBe(1);

    await page.goto(`${app.url}/sandbox/storefront?customer=${LAPSED.id}&page=account`);
    const notices = page.locator(".tally-account [data-tally-notices]");
    await notices.getByText(/^3× points on orders until /).waitFor();
    // 120 points: the default 500-point reward is 380 away.
    await notices.getByText("380 points to 5 off").waitFor();
    await screenshot(page, "storefront-win-back");
  });
});
