import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program/program";
import { openBrowser, screenshot, untilHydrated } from "./support/browser";
import { mintSessionToken } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload } from "./support/webhook-fixtures";

/*
 * The merchant sets up giving back in the embedded admin (issue 24): a cause with its link, dates and
 * French name, saved and still there after a reload; a link that is not https refused; the donation
 * product created in Shopify (the Admin API double); and, once shoppers gave through Shopify's signed
 * order webhooks and the extension API, what each cause is owed.
 */

const SHOP = "giving-browser.myshopify.com";
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

const shopRow = () => app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
const program = async () => (await shopRow()).program as unknown as Program;
const toast = (text: string) => page.locator(".Polaris-Frame-Toast", { hasText: text });

describe("the giving page", () => {
  it("adds a cause and saves it: the reloaded page shows it", async () => {
    await page.getByRole("navigation", { name: "Tally sections" }).getByRole("link", { name: "Giving" }).click();
    await page.getByRole("heading", { name: "Giving back" }).waitFor();
    await page.getByText("No cause yet.").waitFor();
    await page.getByLabel("Offer giving to shoppers").check();
    await page.getByRole("button", { name: "Add cause" }).click();
    await page.getByLabel("Cause name").fill("Plant trees");
    await page.getByLabel("Description", { exact: true }).fill("A tree for every order.");
    await page.getByLabel("Link", { exact: true }).fill("https://trees.example.org");
    await page.getByLabel("Starts").fill("2026-03-01");
    await page.getByLabel("Language").selectOption("fr");
    await page.getByLabel("Name in French").fill("Planter des arbres");
    await page.getByLabel("Description in French").fill("Un arbre par commande.");
    await page.getByLabel("Offer the round-up").check();
    await page.getByLabel("Round up to").selectOption("fixed");
    await page.getByLabel("Amounts").fill("1, 2, 10");
    await page.getByRole("button", { name: "Save" }).first().click();
    await toast("Saved").waitFor();

    const { giving } = await program();
    expect(giving).toMatchObject({
      enabled: true,
      defaultCauseId: "plant-trees",
      causes: [
        {
          id: "plant-trees",
          name: "Plant trees",
          description: "A tree for every order.",
          url: "https://trees.example.org",
          startsAt: "2026-03-01T00:00:00.000Z",
          endsAt: null,
          translations: { fr: { name: "Planter des arbres", description: "Un arbre par commande." } },
        },
      ],
      roundUp: { enabled: true, rule: "fixed", fixedAmounts: [1, 2, 10] },
    });

    // As the Shopify admin reloads the app's frame: the page again, with a fresh session token.
    await page.goto(await app.adminDocumentUrl("/app/giving", SHOP));
    await page.getByRole("heading", { name: "Giving back" }).waitFor();
    await expect.poll(() => page.getByLabel("Cause name").inputValue()).toBe("Plant trees");
    expect(await page.getByLabel("Default cause").inputValue()).toBe("plant-trees");
    await screenshot(page, "giving-admin");
  });

  it("refuses a link that is not https: the error shows and nothing is saved", async () => {
    const before = await shopRow();
    await page.getByLabel("Link", { exact: true }).fill("http://trees.example.org");
    await page.getByRole("button", { name: "Save" }).first().click();
    await page.getByText("an https:// link").first().waitFor();
    const after = await shopRow();
    expect(after.programRevision).toBe(before.programRevision);
    expect(after.program).toEqual(before.program);
    await page.getByRole("button", { name: "Discard" }).first().click();
  });

  it("creates the donation product in Shopify", async () => {
    await page.getByText("Not created yet").waitFor();
    await page.getByRole("button", { name: "Create the donation product in Shopify" }).click();
    await toast("Saved").waitFor();
    await page.getByText("Created", { exact: true }).waitFor();
    const [product] = app.double.shop(SHOP).products!;
    expect(product!.variants![0]).toMatchObject({ price: "0.01", sku: "tally-donation" });
    expect((await program()).giving.roundUp.variantId).toBe(String(product!.variants![0]!.id));
  });

  it("shows what each cause is owed once shoppers gave at checkout and from their points", async () => {
    await app.configureProgram(SHOP, (program) => {
      program.earning.order.holdDays = 0;
      program.giving.points = { enabled: true, pointsPerUnit: 100, step: 100 };
    });
    // The shop's currency, as Tally reads it from Shopify at install: points given are valued in it.
    await app.prisma.shop.update({ where: { domain: SHOP }, data: { currencyCode: "EUR" } });
    const variantId = Number((await program()).giving.roundUp.variantId);
    let nextLine = 880_000;
    // Shopify's signed orders/paid: a round-up is the donation variant (0.01) in quantity, naming its cause.
    const pay = async (id: number, customerId: number | null, placed: string, goods: string, cents: number) => {
      const roundUp = {
        price: "0.01",
        quantity: cents,
        variantId,
        lineItemId: nextLine++,
        properties: [{ name: "_tally_cause", value: "plant-trees" }],
      };
      const payload = orderPayload("orders/paid", {
        id,
        customer: customerId ? { id: customerId, email: `c${customerId}@example.com` } : null,
        email: customerId ? undefined : `guest${id}@example.com`,
        lines: [{ price: goods, lineItemId: nextLine++ }, roundUp],
        processedAt: `${placed}T10:00:00Z`,
      });
      expect((await app.webhook("orders/paid", SHOP, payload)).status).toBe(200);
      return roundUp;
    };
    await pay(881, 7001, "2026-01-05", "500.00", 73);
    await pay(882, null, "2026-02-10", "10.00", 300);
    // Refunded in full: counts nowhere.
    const refunded = await pay(883, null, "2026-02-11", "10.00", 500);
    const refund = refundPayload({
      id: 8831,
      orderId: 883,
      lines: [{ lineItemId: refunded.lineItemId, quantity: 500, subtotal: "5.00" }],
    });
    expect((await app.webhook("refunds/create", SHOP, refund)).status).toBe(200);
    // The member gives 400 of the order's 500 points through the customer account's API.
    const token = await mintSessionToken({
      shop: SHOP,
      apiKey: TEST_API_KEY,
      apiSecret: TEST_API_SECRET,
      subject: "gid://shopify/Customer/7001",
    });
    const given = await fetch(`${app.url}/api/extension/donations`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        "User-Agent": BROWSER_USER_AGENT,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ causeId: "plant-trees", points: 400 }),
    });
    expect(given.status).toBe(201);

    await page.goto(await app.adminDocumentUrl("/app/giving", SHOP));
    await (await untilHydrated(page.getByLabel("From", { exact: true }))).fill("2026-01");
    await page.getByLabel("To", { exact: true }).fill(new Date().toISOString().slice(0, 7));
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/from=2026-01/);
    const figure = (label: string) => page.getByRole("heading", { name: label }).locator("xpath=..");
    await expect.poll(() => figure("Owed to causes").innerText()).toContain("€7.73");
    await expect.poll(() => figure("Donors").innerText()).toMatch(/\n2\n/);
    // By cause: round-ups 3.73, 400 points worth 4.00, 7.73 owed, two donors.
    const byCause = page.getByRole("row", { name: /^Plant trees/ }).first();
    await expect.poll(() => byCause.innerText()).toMatch(/^Plant trees\s+€3\.73\s+400\s+€4\.00\s+€7\.73\s+2$/);
    const february = page.getByRole("row", { name: /^Feb 2026/ });
    await expect.poll(() => february.innerText()).toMatch(/^Feb 2026\s+Plant trees\s+€3\.00\s+/);
    await screenshot(page, "giving-admin-report");
  });
});
