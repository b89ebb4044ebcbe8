import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program/program";
import { openBrowser, screenshot, untilHydrated } from "./support/browser";
import { startTestApp, type TestApp } from "./support/test-app";

/*
 * The merchant sets up the paid membership in the embedded admin (issue 22): two plans, the product
 * created in Shopify (the Admin API double), the figures, the offer broken once the product is
 * deleted in Shopify, and a variant of another shop refused.
 */

const SHOP = "membership-browser.myshopify.com";
const OTHER_SHOP = "membership-browser-other.myshopify.com";
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  await app.installShop(OTHER_SHOP);
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

describe("the paid membership page", () => {
  it("sets up the offer: two plans, the product created in Shopify with a variant for each", async () => {
    await page.getByRole("navigation", { name: "Tally sections" }).getByRole("link", { name: "Membership" }).click();
    await page.getByRole("heading", { name: "Paid membership" }).waitFor();
    await page.getByLabel("Offer the paid membership").check();
    await page.getByLabel("Name", { exact: true }).fill("Club");
    await page.getByRole("button", { name: "Add plan" }).click();
    await page.getByLabel("Plan name").first().fill("Monthly");
    await page.getByLabel("Price").first().fill("9");
    await page.getByLabel("Period").first().selectOption("month");
    await page.getByRole("button", { name: "Add plan" }).click();
    await page.getByLabel("Plan name").nth(1).fill("Yearly");
    await page.getByLabel("Price").nth(1).fill("79");
    await page.getByLabel("Earn multiplier").fill("2");
    await page.getByLabel("Free shipping").check();
    await (await untilHydrated(page.getByRole("button", { name: "Create the product in Shopify" }))).click();
    await toast("Saved").waitFor();

    const [create] = app.double.callsTo("CreateMembershipProduct");
    expect(create?.shop).toBe(SHOP);
    expect(create?.variables.product).toMatchObject({
      title: "Club",
      status: "UNLISTED",
      productOptions: [{ name: "Plan", values: [{ name: "Monthly" }, { name: "Yearly" }] }],
    });
    const [variants] = app.double.callsTo("CreateMembershipVariants");
    expect(variants?.variables.variants).toEqual([
      expect.objectContaining({ price: "9.00", optionValues: [{ optionName: "Plan", name: "Monthly" }] }),
      expect.objectContaining({ price: "79.00", optionValues: [{ optionName: "Plan", name: "Yearly" }] }),
    ]);
    const product = app.double.shop(SHOP).products![0]!;
    const { membership } = await program();
    expect(membership).toMatchObject({ enabled: true, name: "Club" });
    expect(membership.perks.earnMultiplier).toBe(2);
    expect(membership.perks.discounts?.freeShipping).toBeTruthy();
    expect(membership.plans.map((plan) => [plan.id, plan.interval, plan.price, plan.variantId])).toEqual([
      ["monthly", "month", 9, String(product.variants![0]!.id)],
      ["yearly", "year", 79, String(product.variants![1]!.id)],
    ]);
    // The page shows what was saved: each plan's variant, of the product's handle.
    await page.getByText("A variant of /products/club.").first().waitFor();
    await screenshot(page, "membership-admin");
  });

  it("shows the figures of the membership's tables", async () => {
    const { id: shopId } = await shopRow();
    const member = await app.prisma.member.create({
      data: { shopId, shopifyCustomerId: "7001", email: "paying@example.com" },
    });
    const startedAt = new Date();
    const paidThrough = new Date(startedAt.getTime() + 365 * 86_400_000);
    await app.prisma.membershipTerm.create({
      data: { shopId, memberId: member.id, planId: "yearly", startedAt, paidThrough, startedBy: "o1:l1", renewals: 0 },
    });
    await app.prisma.membershipGrant.create({
      data: {
        shopId,
        memberId: member.id,
        orderId: "o1",
        shopifyOrderId: "o1",
        lineItemId: "l1",
        planId: "yearly",
        paidAt: startedAt,
        bought: 1,
        quantity: 1,
        amountCents: 7900n,
        currencyCode: "EUR",
      },
    });
    await app.prisma.paidMembership.create({
      data: {
        memberId: member.id,
        shopId,
        planId: "yearly",
        startedAt,
        paidThrough,
        startedBy: "o1:l1",
        status: "active",
      },
    });
    // As the Shopify admin reloads the app's frame: the page again, with a fresh session token.
    await page.goto(await app.adminDocumentUrl("/app/membership", SHOP));
    await page.getByRole("heading", { name: "Figures" }).waitFor();
    await screenshot(page, "membership-admin-figures");
    // A figure: its label, and under it the value.
    const figure = (label: string) => page.getByRole("heading", { name: label }).locator("xpath=..");
    await expect.poll(() => figure("Paying members now").innerText()).toMatch(/\n1$/);
    await expect.poll(() => figure("Membership revenue this month").innerText()).toContain("€79.00");
    // The table's current month: one new membership.
    const currentMonth = new Intl.DateTimeFormat("en", { month: "short", year: "numeric", timeZone: "UTC" }).format(
      startedAt,
    );
    const row = page.getByRole("row", { name: new RegExp(`^${currentMonth}`) });
    await expect.poll(() => row.innerText()).toMatch(new RegExp(`^${currentMonth}\\s+1\\s+0\\s+0\\s+—\\s+€79\\.00$`));

    // The members list's "Paid members".
    await page
      .getByRole("navigation", { name: "Tally sections" })
      .getByRole("link", { name: "Members", exact: true })
      .click();
    await page.getByLabel("Show").selectOption("paid");
    await page.getByText("paying@example.com").waitFor();
    await page.getByText("Paid member", { exact: true }).waitFor();
  });

  it("shows the offer as broken once the product is deleted in Shopify, and mends it", async () => {
    const product = app.double.shop(SHOP).products![0]!;
    app.double.deleteProduct(SHOP, product.id);
    await page.goto(await app.adminDocumentUrl("/app/membership", SHOP));
    await page.getByText("The membership offer is broken").waitFor();
    await page.getByText("Broken: variant deleted in Shopify").first().waitFor();
    await screenshot(page, "membership-admin-broken");

    // Creating the product again mends it: a new product, the plans' new variants saved.
    await (await untilHydrated(page.getByRole("button", { name: "Create the product in Shopify" }))).click();
    await toast("Saved").waitFor();
    const [mended] = app.double.shop(SHOP).products!;
    expect(mended!.id).not.toBe(product.id);
    expect((await program()).membership.plans.map((plan) => plan.variantId)).toEqual(
      mended!.variants!.map((variant) => String(variant.id)),
    );
    await page.goto(await app.adminDocumentUrl("/app/membership", SHOP));
    await page.getByRole("heading", { name: "Figures" }).waitFor();
    expect(await page.getByText("The membership offer is broken").count()).toBe(0);
  });

  it("refuses another shop's variant: the error shows and nothing is saved", async () => {
    const theirs = app.double.shop(OTHER_SHOP);
    theirs.products = [
      {
        id: 4242,
        tags: [],
        productType: "",
        collectionIds: [],
        variants: [
          {
            id: 424201,
            title: "Gold",
            price: "5.00",
            sku: null,
            taxable: true,
            requiresShipping: false,
            tracked: false,
          },
        ],
      },
    ];
    const before = await shopRow();
    await (await untilHydrated(page.getByLabel("Product variant id").first())).fill("424201");
    await page.getByRole("button", { name: "Save" }).first().click();
    await page.getByText("Variant 424201 is not a product variant of this shop").first().waitFor();
    const after = await shopRow();
    expect(after.programRevision).toBe(before.programRevision);
    expect(after.program).toEqual(before.program);
  });
});
