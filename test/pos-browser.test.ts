import { mkdirSync } from "node:fs";
import path from "node:path";
import type { FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser } from "./support/browser";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/*
 * The sandbox's POS (sandbox/pos-preview.ts) in a real browser: the POS extension's bundle in
 * frames that play the POS host, calling the app with POS session tokens the sandbox mints for
 * its shop. Staff see the customer's points, redeem onto the cart and undo it.
 */

const SHOP = "pos-browser-shop.myshopify.com";
const CUSTOMER = 7390000001;
const ARTIFACTS = path.resolve("test-results/pos");
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  await app.configureProgram(SHOP, () => {});
  const paid = orderPayload("orders/paid", {
    id: 9901,
    customer: { id: CUSTOMER, email: "ava@example.com", firstName: "Ava", lastName: "Martin" },
    lines: [{ price: "650.00" }],
    pos: { locationId: 64000001, userId: 81000001 },
  });
  expect((await app.webhook("orders/paid", SHOP, paid)).status).toBe(200);
  browser = await openBrowser(app.url);
  page = browser.page;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const frame = (id: string): FrameLocator => page.frameLocator(`#${id}`);

describe("the sandbox POS", () => {
  it("shows the customer's points, redeems onto the cart and undoes it", async () => {
    await page.goto(`${app.url}/sandbox/pos?customer=${CUSTOMER}`);
    await expect.poll(() => frame("block").locator("s-text").first().textContent()).toBe("Balance: 650 points");
    await expect.poll(() => frame("tile").locator("s-tile").getAttribute("subheading")).toBe("650 points to spend");

    await frame("tile").locator("s-tile").click();
    const modal = frame("modal-frame");
    await modal.locator("s-button", { hasText: "Redeem" }).first().click();
    await expect.poll(() => page.locator("#cart").textContent()).toMatch(/discount code TALLY-/);
    const redemption = await app.prisma.redemption.findFirstOrThrow({ where: { channel: "pos" } });
    expect(redemption).toMatchObject({ staffMemberId: "5001", locationId: "64000001", posUserId: "81000001" });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "redeemed.png") });

    await modal.locator("s-button", { hasText: "Undo" }).click();
    await expect
      .poll(() => modal.locator("s-banner").first().textContent())
      .toBe("Undone: 500 points returned to the customer.");
    expect(await page.locator("#cart").textContent()).not.toMatch(/discount code/);
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).status).toBe("reversed");
  });

  it("looks a member up from the customer's action menu", async () => {
    await page.goto(`${app.url}/sandbox/pos?customer=${CUSTOMER}&locale=fr`);
    await frame("menu").locator("s-button").click();
    const modal = frame("modal-frame");
    await modal.locator("s-search-field input").fill("ava");
    await expect.poll(() => modal.locator("s-section").first().getAttribute("heading")).toBe("Ava Martin");
    await modal.locator("s-button", { hasText: "Ajouter au panier" }).click();
    await expect.poll(() => page.locator("#toast").textContent()).toBe("Ava Martin a été ajouté au panier.");
  });
});
