import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program/program";
import { openBrowser, screenshot } from "./support/browser";
import { seedDonation, seedPointsDonation } from "./support/giving-seed";
import { startTestApp, type TestApp } from "./support/test-app";

/*
 * The merchant sets up giving back in the embedded admin (issue 24): a cause with its link, dates and
 * French name, saved and still there after a reload; a link that is not https refused; the donation
 * product created in Shopify (the Admin API double); and, once shoppers gave, what each cause is owed.
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

  it("shows what each cause is owed once shoppers gave", async () => {
    const { id: shopId } = await shopRow();
    const member = await app.prisma.member.create({ data: { shopId, shopifyCustomerId: "7001" } });
    await seedDonation(app.prisma, shopId, {
      causeId: "plant-trees",
      order: "o1",
      on: "2026-01-05",
      bought: 73,
      memberId: member.id,
    });
    await seedDonation(app.prisma, shopId, { causeId: "plant-trees", order: "o2", on: "2026-02-10", bought: 300 });
    // Refunded in full: counts nowhere.
    await seedDonation(app.prisma, shopId, {
      causeId: "plant-trees",
      order: "o3",
      on: "2026-02-11",
      bought: 500,
      quantity: 0,
    });
    await seedPointsDonation(app.prisma, shopId, {
      causeId: "plant-trees",
      memberId: member.id,
      on: "2026-02-12",
      points: 400,
      valueCents: 400,
    });

    await page.goto(await app.adminDocumentUrl("/app/giving", SHOP));
    await page.getByLabel("From", { exact: true }).fill("2026-01");
    await page.getByLabel("To", { exact: true }).fill("2026-02");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/from=2026-01/);
    const figure = (label: string) => page.getByRole("heading", { name: label }).locator("xpath=..");
    await expect.poll(() => figure("Owed to causes").innerText()).toContain("€7.73");
    await expect.poll(() => figure("Donors").innerText()).toMatch(/\n2\n/);
    // By cause: round-ups 3.73, 400 points worth 4.00, 7.73 owed, two donors.
    const byCause = page.getByRole("row", { name: /^Plant trees/ }).first();
    await expect.poll(() => byCause.innerText()).toMatch(/^Plant trees\s+€3\.73\s+400\s+€4\.00\s+€7\.73\s+2$/);
    const february = page.getByRole("row", { name: /^Feb 2026/ });
    await expect
      .poll(() => february.innerText())
      .toMatch(/^Feb 2026\s+Plant trees\s+€3\.00\s+400\s+€4\.00\s+€7\.00\s+2$/);
    await screenshot(page, "giving-admin-report");
  });
});
