import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, screenshot } from "./support/browser";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/*
 * The round-up as shoppers see it in the sandbox's storefront preview (the round-up block's Liquid
 * from the theme's copy of the program, tally-round-up.js, the Cart AJAX stand-in): ticking it puts
 * the donation variant in the cart in the quantity of the round-up with its cause, changing the
 * cart brings the quantity along, and unticking it takes the line out; once an order's round-up is
 * paid, the running-total block shows what the cause received.
 */

const SHOP = "giving-browser.myshopify.com";
const DONATION = 44090001;
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

const preview = (query: string) => `${app.url}/sandbox/storefront?${query}`;
type Cart = { items: { variant_id: number; quantity: number; properties: Record<string, string> }[] };
const donation = async () =>
  ((await page.evaluate(async () => (await fetch("/sandbox/cart.js")).json())) as Cart).items.find(
    (item) => item.variant_id === DONATION,
  );

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  await app.configureProgram(SHOP, (program) => {
    program.giving.enabled = true;
    program.giving.causes = [
      {
        id: "ocean",
        name: "Ocean Cleanup",
        description: "Every cent takes plastic out of the sea.",
        url: "https://ocean.example.org",
        startsAt: null,
        endsAt: null,
      },
    ];
    program.giving.defaultCauseId = "ocean";
    program.giving.roundUp = {
      ...program.giving.roundUp,
      enabled: true,
      rule: "next_unit",
      variantId: String(DONATION),
    };
  });
  await app.prisma.shop.update({ where: { domain: SHOP }, data: { currencyCode: "EUR" } });
  browser = await openBrowser(app.url);
  page = browser.page;
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("the round-up in the storefront preview's cart", () => {
  it("adds the donation line with the round-up's quantity and its cause, follows the cart, and goes when unticked", async () => {
    await page.goto(preview("customer=guest&page=cart"));
    const box = page.locator("[data-tally-round-up]");
    // The preview's cart comes to €113.00, whole already: a full euro.
    const toggle = box.getByRole("checkbox", { name: "Round up €1.00 for Ocean Cleanup" });
    await toggle.waitFor();
    await box.getByText("Every cent takes plastic out of the sea.").waitFor();

    const added = page.waitForRequest((request) => request.url().endsWith("/sandbox/cart/add.js"));
    // Then the page reloads (the block's default) and the theme's cart shows the line.
    const reloaded = page.waitForEvent("load");
    await toggle.check();
    expect((await added).postDataJSON()).toEqual({
      items: [{ id: DONATION, quantity: 100, properties: { _tally_cause: "ocean" } }],
    });
    await reloaded;
    await page.locator("table.cart").getByText("_tally_cause: ocean").waitFor();
    expect(await box.getByRole("checkbox", { name: "Round up €1.00 for Ocean Cleanup" }).isChecked()).toBe(true);
    await expect.poll(donation).toMatchObject({ quantity: 100, properties: { _tally_cause: "ocean" } });

    // The theme adds a €94.50 jacket: €207.50 now, so €0.50 rounds it up.
    await page.evaluate(() =>
      fetch("/sandbox/cart/add.js", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ items: [{ id: 48800000012, quantity: 1 }] }),
      }).then((response) => response.json()),
    );
    await box.getByRole("checkbox", { name: "Round up €0.50 for Ocean Cleanup" }).waitFor();
    await expect.poll(donation).toMatchObject({ quantity: 50 });

    await page.reload();
    await page.locator("table.cart").getByText("Donation").waitFor();
    await screenshot(page, "storefront-round-up");
    const ticked = box.getByRole("checkbox", { name: "Round up €0.50 for Ocean Cleanup" });
    expect(await ticked.isChecked()).toBe(true);

    const changed = page.waitForRequest((request) => request.url().endsWith("/sandbox/cart/change.js"));
    const reloadedAgain = page.waitForEvent("load");
    await ticked.uncheck();
    expect((await changed).postDataJSON()).toMatchObject({ quantity: 0 });
    await reloadedAgain;
    await expect.poll(donation).toBeUndefined();
    expect(await page.locator("table.cart").getByText("Donation").count()).toBe(0);
  });

  it("offers no round-up in a currency other than the shop's", async () => {
    await page.goto(preview("customer=guest&page=cart&currency=USD&rate=1.09"));
    // The running total is offered all the same (its answer says nothing yet: no donation so far).
    expect(await page.locator("[data-tally-giving]").count()).toBe(1);
    await page.locator("table.cart").waitFor();
    expect(await page.locator("[data-tally-round-up]").count()).toBe(0);
  });

  it("shows the running total once a paid order's round-up gave to the cause", async () => {
    const paid = orderPayload("orders/paid", {
      id: 99_001,
      customer: null,
      email: "guest99001@example.com",
      lines: [
        { price: "49.27" },
        {
          price: "0.01",
          quantity: 73,
          variantId: DONATION,
          properties: [{ name: "_tally_cause", value: "ocean" }],
        },
      ],
    });
    expect((await app.webhook("orders/paid", SHOP, paid)).status).toBe(200);
    await page.goto(preview("customer=guest&page=cart"));
    await page.locator("[data-tally-giving]").getByText("Together we gave €0.73 to Ocean Cleanup").waitFor();
  });
});
