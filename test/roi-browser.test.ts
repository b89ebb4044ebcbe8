import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, screenshot } from "./support/browser";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/*
 * The ROI page (issue 25, docs/roi.md) in the embedded admin: reached from the sections' tabs, its
 * figures for members and other customers side by side, the retention curves and the before/after
 * chart drawn, the method stated, what the program cost beside members' revenue; the holdout turned
 * on from its card; a range that does not validate is a 400.
 */

const SHOP = "roi-browser.myshopify.com";
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let nextOrder = 98_000;

const pay = async (customer: number, placed: string, price: string) => {
  const payload = orderPayload("orders/paid", {
    id: nextOrder++,
    customer: { id: customer, email: `c${customer}@example.com` },
    lines: [{ price, lineItemId: nextOrder * 10 }],
    processedAt: `${placed}T10:00:00Z`,
  });
  expect((await app.webhook("orders/paid", SHOP, payload)).status).toBe(200);
};

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  const shopId = await app.configureProgram(SHOP, (program) => {
    program.earning.order.holdDays = 0;
    // A VIP tier no one reaches here, whose perk's automatic discount a guest's order uses: a cost.
    const combinesWith = { orderDiscounts: true, productDiscounts: true, shippingDiscounts: true };
    program.tiers.levels = [
      {
        id: "gold",
        name: "Gold",
        threshold: 1_000_000,
        earnMultiplier: 1,
        entryBonusPoints: 0,
        perks: { percentageOff: { percentage: 10, collectionIds: [], combinesWith }, freeShipping: null },
      },
    ];
  });
  // One customer who ordered twice before joining on 1 July 2025 and twice after; one who joined in March.
  await pay(2001, "2025-02-10", "100.00");
  await pay(2001, "2025-05-10", "50.00");
  await pay(2001, "2025-07-15", "200.00");
  await pay(2001, "2025-09-01", "100.00");
  await pay(2002, "2025-03-10", "40.00");
  await pay(2002, "2025-04-05", "60.00");
  const guestOrder = orderPayload("orders/paid", {
    id: nextOrder++,
    customer: null,
    email: "guest@example.com",
    lines: [{ price: "200.00", automaticDiscount: { title: "Gold: 10% off", amount: "20.00" } }],
    processedAt: "2025-08-10T10:00:00Z",
  });
  expect((await app.webhook("orders/paid", SHOP, guestOrder)).status).toBe(200);
  for (const [customer, at] of [
    ["2001", "2025-07-01"],
    ["2002", "2025-03-01"],
  ]) {
    await app.prisma.$executeRaw`
      UPDATE "Member" SET "createdAt" = ${new Date(`${at}T00:00:00Z`)}
       WHERE "shopId" = ${shopId} AND "shopifyCustomerId" = ${customer}`;
  }
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

describe("the ROI page", () => {
  it("shows members against other customers, the retention curves, before and after, and the method", async () => {
    await page.getByRole("navigation", { name: "Tally sections" }).getByRole("link", { name: "ROI" }).click();
    await page.getByRole("heading", { name: "Return on the program" }).waitFor();
    await page.getByLabel("From", { exact: true }).fill("2025-01");
    await page.getByLabel("To", { exact: true }).fill("2025-12");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/from=2025-01&to=2025-12/);

    await page.getByText("what they cannot prove").waitFor();
    await page.getByText("not the effect of the program").waitFor();
    const cells = (name: string) =>
      page
        .getByRole("row", { name: new RegExp(`^${name}`) })
        .first()
        .innerText();
    // Members: A after joining and B; others: A before joining.
    await expect.poll(() => cells("Customers")).toMatch(/^Customers\s+2\s+1$/);
    expect(await cells("Orders")).toMatch(/^Orders\s+4\s+2$/);
    expect(await cells("Repeat purchase rate")).toMatch(/^Repeat purchase rate\s+100\.0%\s+100\.0%$/);
    expect(await cells("Average order value")).toMatch(/^Average order value\s+€100\.00\s+€75\.00$/);
    expect(await cells("Revenue per customer")).toMatch(/^Revenue per customer\s+€200\.00\s+€150\.00$/);

    // The charts draw in the browser: one line per join month with members, and the two bars.
    await expect.poll(() => page.locator('[data-chart="retention"] svg').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-chart="before-after"] svg').count()).toBeGreaterThan(0);
    const retentionTexts = await page.locator('[data-chart="retention"]').innerText();
    expect(retentionTexts).toContain("Mar 2025 (1 member)");
    expect(retentionTexts).toContain("Jul 2025 (1 member)");
    // 150.00 over the 181 days before 1 July, 300.00 over the 184 after: per average month.
    const beforeAfter = page.getByRole("row", { name: /^EUR/ });
    await expect.poll(() => beforeAfter.innerText()).toMatch(/^EUR\s+1\s+€25\.22\s+€49\.63$/);

    // What the program cost: the perk's 20.00 in August, beside the members' 400.00 of revenue.
    await page.getByRole("heading", { name: "What the program cost" }).waitFor();
    expect(await page.getByRole("row", { name: /^Aug 2025/ }).innerText()).toMatch(
      /^Aug 2025\s+€0\.00\s+€0\.00\s+€20\.00\s+€0\.00\s+€0\.00\s+€20\.00$/,
    );
    expect(await page.getByRole("row", { name: /^Total/ }).innerText()).toMatch(/\s+€20\.00$/);
    await page.getByText("Cost as a share of members' revenue: 5% (€20.00 of €400.00)").waitFor();
    await screenshot(page, "roi");
  });

  it("says which method made the incrementality figure, and lets the merchant turn the holdout on with its trade-off", async () => {
    // On the page the first test left open (the admin frame is the sandbox's).
    await page.getByRole("heading", { name: "What the program adds (incrementality)" }).waitFor();
    // No holdout yet: the same members before and after joining, said to be an association.
    await page.getByText("Method: the same members before and after joining.").waitFor();
    await page.getByText("Sample: 2 members who joined in these months, with 90 days since.").waitFor();
    await page.getByText("Off: no customer is held out.").waitFor();

    await page.getByLabel("Hold out a share of new customers").check();
    await page.getByLabel("Share of new customers held out (%)").fill("20");
    await page.getByLabel("Days each customer is held out").fill("60");
    await page
      .getByText("20% of the new customers Shopify tells Tally of are not invited to the program for 60 days")
      .waitFor();
    await page.getByRole("button", { name: "Save holdout" }).click();
    await page.getByText(/^Running since /).waitFor();
    await page.getByText("Customers held out so far: 0 (still held: 0).").waitFor();
    const holdout = await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP }, select: { program: true } });
    expect((holdout.program as { holdout: unknown }).holdout).toMatchObject({ enabled: true, percent: 20, days: 60 });
    await screenshot(page, "roi-holdout");

    // The schema's limits hold on this page too.
    await page.getByLabel("Share of new customers held out (%)").fill("80");
    await page.getByRole("button", { name: "Save holdout" }).click();
    await page.getByText("Too big: expected number to be <=50").waitFor();
  });

  it("answers a range that does not validate with 400", async () => {
    for (const query of ["from=2025-13", "from=2025-06&to=2025-01", "from=2019-01&to=2025-12"]) {
      expect((await app.admin(`/app/roi?${query}`, SHOP)).status).toBe(400);
    }
    expect((await app.admin("/app/roi?from=2025-01&to=2025-12", SHOP)).status).toBe(200);
  });
});
