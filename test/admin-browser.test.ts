import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program/program";
import { POINTS_JOBS } from "~/jobs/points.server";
import { runMemberImports } from "~/loyalty/members/import.server";
import type { DoubleCustomer } from "../sandbox/admin-api-double";
import { openBrowser, recordInteractions, screenshot, webVitals, writeArtifact } from "./support/browser";
import { orderPayload } from "./support/webhook-fixtures";
import { flowActionRequest } from "../sandbox/flow-actions";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "browser-shop.myshopify.com";
const customer = (id: number, email: string, firstName: string): DoubleCustomer => ({
  id,
  email,
  firstName,
  lastName: "Shopper",
  phone: null,
  tags: [],
  createdAt: "2026-01-01T00:00:00Z",
  numberOfOrders: 0,
  amountSpent: "0.00",
});
const CUSTOMERS = [
  customer(801, "ada@example.com", "Ada"),
  customer(802, "bob@example.com", "Bob"),
  customer(803, "cy@example.com", "Cy"),
  customer(804, "di@example.com", "Di"),
];
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP, { customers: CUSTOMERS });
  // Two shoppers already earned points: one paid order each, as Shopify delivers it.
  for (const [index, customer] of CUSTOMERS.slice(0, 2).entries()) {
    const response = await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", {
        id: 100 + index,
        customer: { id: customer.id, email: customer.email },
        lines: [{ price: index ? "80.00" : "120.00" }],
      }),
    );
    expect(response.status).toBe(200);
  }
  browser = await openBrowser(app.url);
  page = browser.page;
  // Charts drawn at their values at once: a screenshot shows the figures, not a frame of polaris-viz's animation.
  await page.emulateMedia({ reducedMotion: "reduce" });
  // The merchant opens the app: the sandbox stands in for the Shopify admin's frame.
  await page.goto(`${app.url}/sandbox/login`);
  await page.getByRole("heading", { name: "Set up your loyalty program" }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const program = async () => {
  const shop = await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
  return shop.program as unknown as Program;
};
const nav = (name: string) =>
  page.getByRole("navigation", { name: "Tally sections" }).getByRole("link", { name, exact: true });
/** Saved: nothing left to save, the Save button is disabled again. */
const saved = () => page.locator('button:is([disabled], [aria-disabled="true"])', { hasText: /^Save$/ }).waitFor();
/** The toast a successful save shows (Polaris' in the sandbox, App Bridge's inside Shopify). */
const toast = (text: string) => page.locator(".Polaris-Frame-Toast", { hasText: text });
/** "Check again" on the home page, done once the loader has answered: the card then shows that answer, not the last one. */
const checkThemeAgain = () =>
  Promise.all([
    page.waitForResponse((response) => new URL(response.url()).pathname.endsWith(".data")),
    page.getByRole("button", { name: "Check again" }).click(),
  ]);

describe("the merchant admin in a real browser", () => {
  it("home: the first-run checklist, the widget checked in the published theme", async () => {
    await page.getByText("0 of 4 steps done").waitFor();
    await screenshot(page, "home");
    // A new install: the theme has never had Tally's app embed, and the card says so.
    await page.getByText("The loyalty widget is not enabled yet in your theme “Dawn”").waitFor();
    // The deep link that switches the embed on, to the sandbox's stand-in for Shopify's theme editor.
    const editor = page.getByRole("link", { name: "Open the theme editor" });
    expect(await editor.getAttribute("href")).toBe(
      "/sandbox/theme-editor?context=apps&activateAppId=tally-test-api-key%2Ftally-launcher",
    );
    expect(await page.getByRole("button", { name: "Preview" }).isDisabled()).toBe(true);

    // Shopify fails to answer: the card says it could not check, rather than guessing.
    app.double.failNext({ kind: "http", status: 503 }, { operationName: "MainThemeSettings" });
    await checkThemeAgain();
    await page.getByText("We couldn't check your theme just now").waitFor();
    await checkThemeAgain();
    await page.getByText("The loyalty widget is not enabled yet in your theme “Dawn”").waitFor();
  });

  it("earning rules: a live example, field errors, saved to the program", async () => {
    await page.getByRole("link", { name: "Set earning rules" }).click();
    await page.getByRole("heading", { name: "Earning & expiry" }).waitFor();
    const rate = page.getByLabel("Points per 1 unit of your currency spent");
    await rate.fill("-1");
    await page.getByRole("button", { name: "Save" }).click();
    // zod's message for the field, shown on the field itself.
    const fieldError = page.locator(`[id="${await rate.getAttribute("id")}Error"]`);
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toMatch(/>=\s*0|too small/i);
    await rate.fill("2");
    await page.getByText("An order of €120.00 earns 240 points").waitFor();
    await page.getByRole("button", { name: "Save" }).click();
    await saved();
    await toast("Saved").waitFor();
    await screenshot(page, "program-saved");
    expect((await program()).earning.order.pointsPerCurrencyUnit).toBe(2);

    // Gift cards earn nothing: a product rule that matches nothing is refused on its field.
    await page.getByRole("button", { name: "Add product rule" }).click();
    await page.getByLabel("Multiplier", { exact: true }).fill("0");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("match at least one product, collection, tag or product type").first().waitFor();
    await page.getByLabel("Product tags").fill("gift-card, voucher");
    await page.getByRole("button", { name: "Save" }).click();
    await saved();
    expect((await program()).earning.order.productRules).toEqual([
      expect.objectContaining({ multiplier: 0, match: expect.objectContaining({ tags: ["gift-card", "voucher"] }) }),
    ]);
    // Shopify Flow's awards without an action: a daily cap per customer, empty for none.
    await page.getByLabel("Most points per customer per day from Flow").fill("300");
    await page.getByRole("button", { name: "Save" }).click();
    await saved();
    expect((await program()).earning.flowActions).toEqual({ maxPointsPerCustomerPerDay: 300 });
    await screenshot(page, "program");
  });

  it("custom actions: one shoppers claim needs its link; a newsletter signup's; saved to the program", async () => {
    await page.getByRole("button", { name: "Add action" }).click();
    await page.getByLabel("Action name").fill("Follow us on Instagram");
    await page.getByLabel("How shoppers earn it").selectOption("claim");
    await page.getByText("opening the link claims the points", { exact: false }).waitFor();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("a claimable action needs a link").first().waitFor();
    await page.getByLabel("Link", { exact: true }).fill("https://instagram.com/shop");
    await page.getByLabel("Times per day").fill("1");
    await page.getByRole("button", { name: "Save" }).click();
    await saved();
    await screenshot(page, "program-actions");
    expect((await program()).earning.customActions).toEqual([
      expect.objectContaining({
        name: "Follow us on Instagram",
        claimable: true,
        url: "https://instagram.com/shop",
        verifiedBy: null,
        limitPerDay: 1,
      }),
    ]);
    // The same action verified by a newsletter signup instead: no longer claimed by shoppers.
    await page.getByLabel("How shoppers earn it").selectOption("newsletter");
    await page.getByRole("button", { name: "Save" }).click();
    await saved();
    expect((await program()).earning.customActions).toEqual([
      expect.objectContaining({ claimable: false, verifiedBy: "newsletter" }),
    ]);
  });

  it("warns before leaving with unsaved changes", async () => {
    await page.getByLabel("Points for creating an account").fill("25");
    await nav("Home").click();
    await page.getByRole("dialog").getByText("Leave with unsaved changes?").waitFor();
    await page.getByRole("button", { name: "Stay" }).click();
    await page.getByRole("button", { name: "Discard" }).click();
    await nav("Home").click();
    await page.getByText("1 of 4 steps done").waitFor();
  });

  it("creates a reward, with the combination rules in words and an id from its name", async () => {
    // The program starts with a reward: the checklist asks to review it, not to create a first one.
    await page.getByRole("heading", { name: "Check your rewards" }).waitFor();
    await page.getByText("Your program offers 5 off. Change it, or add what else points buy").waitFor();
    expect(await page.getByText("Create your first reward").count()).toBe(0);
    await page.getByRole("link", { name: "Review rewards" }).click();
    await page.getByRole("link", { name: "Add reward" }).first().click();
    await page.getByLabel("Name shoppers see").waitFor();
    // Nothing to delete before it is saved.
    expect(await page.getByRole("button", { name: "Delete reward" }).count()).toBe(0);
    await page.getByLabel("Name shoppers see").fill("Tote bag discount");
    await page.getByLabel("Points it costs").fill("300");
    await page.getByLabel("Amount off").fill("7");
    await page.getByLabel("Shipping discounts").check();
    await page.getByText("The code can be used together with shipping discounts.").waitFor();
    await page.getByText("€7.00 off the order").waitFor();
    // Its name for shoppers who read French; the others see the default.
    await page.getByLabel("Language", { exact: true }).selectOption("fr");
    await page.getByLabel("Name in French").fill("Remise sac cabas");
    await page.getByRole("option", { name: "French (translated)" }).waitFor({ state: "attached" });
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/app\/rewards\/tote-bag-discount$/);
    await toast("Saved").waitFor();
    await page.getByRole("button", { name: "Delete reward" }).waitFor();
    await screenshot(page, "reward-saved");
    const reward = (await program()).rewards.find((r) => r.name === "Tote bag discount");
    expect(reward).toMatchObject({
      id: "tote-bag-discount",
      type: "fixed_amount",
      pointsCost: 300,
      amount: 7,
      combinesWith: { shippingDiscounts: true },
      translations: { fr: { name: "Remise sac cabas" } },
    });
    await nav("Rewards").click();
    const row = page.getByRole("row", { name: /Tote bag discount/ });
    await row.waitFor();
    expect(await row.textContent()).toContain("€7.00 off the order");
    await screenshot(page, "rewards");
  });

  it("creates a store credit reward: its rate in words, no code settings, an expiry for the credit", async () => {
    await nav("Rewards").click();
    await page.getByRole("link", { name: "Add reward" }).first().click();
    await page.getByLabel("Name shoppers see").fill("Points to credit");
    await page.getByLabel("Reward type").selectOption("store_credit");
    await page.getByText("Every 100 points become €1.00 of store credit").waitFor();
    await page.getByText(/Points become the customer's Shopify store credit/).waitFor();
    expect(await page.getByLabel("Discount code prefix").count()).toBe(0);
    await page.getByLabel("Store credit expires after (days)").fill("90");
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/app\/rewards\/points-to-credit$/);
    await toast("Saved").waitFor();
    await screenshot(page, "reward-store-credit");
    expect((await program()).rewards.find((r) => r.name === "Points to credit")).toMatchObject({
      id: "points-to-credit",
      type: "store_credit",
      pointsPerStep: 100,
      amountPerStep: 1,
      creditExpiryDays: 90,
    });
  });

  it("VIP tiers are edited and saved", async () => {
    await nav("VIP tiers").click();
    await page.getByRole("button", { name: "Add tier" }).click();
    await page.getByLabel("Tier name").fill("Gold");
    await page.getByLabel("Points earned to reach it").fill("1000");
    await page.getByLabel("Language", { exact: true }).selectOption("ja");
    await page.getByLabel("Name in Japanese").fill("ゴールド");
    await page.getByRole("button", { name: "Save" }).click();
    await saved();
    await toast("Saved").waitFor();
    expect((await program()).tiers.levels).toEqual([
      expect.objectContaining({
        id: "gold",
        name: "Gold",
        threshold: 1000,
        translations: { ja: { name: "ゴールド" } },
      }),
    ]);
    await screenshot(page, "tiers");
  });

  it("a tier's perks are set on the tiers page, which shows their status in Shopify", async () => {
    await page.getByLabel("Percentage off").check();
    await page.getByLabel("Percentage", { exact: true }).fill("15");
    await page.getByLabel("Free shipping").check();
    await page.getByRole("button", { name: "Save" }).click();
    await saved();
    await page.getByText("Pending: being applied in Shopify").first().waitFor();
    expect((await program()).tiers.levels[0]!.perks).toMatchObject({
      percentageOff: { percentage: 15, collectionIds: [] },
      freeShipping: { minimumSubtotal: null },
    });
    await POINTS_JOBS.tier_perks(app.prisma, new Date());
    // Away and back: the page loads the statuses again.
    await nav("Rewards").click();
    await nav("VIP tiers").click();
    await page.getByText("Active in Shopify").first().waitFor();
    expect(await page.getByText("Active in Shopify").count()).toBe(2);
    expect(app.double.shop(SHOP).automaticDiscounts.map((d) => d.input.title)).toEqual([
      "Gold: 15% off",
      "Gold: free shipping",
    ]);
    await screenshot(page, "tier-perks");
  });

  it("completes onboarding: the checklist goes away", async () => {
    await nav("Home").click();
    await page.getByText("2 of 4 steps done").waitFor();
    // The theme editor opens with the embed switched on; until it is saved, nothing is ticked.
    const [editor] = await Promise.all([
      page.waitForEvent("popup"),
      page.getByRole("link", { name: "Open the theme editor" }).click(),
    ]);
    expect(await editor.getByLabel("Tally loyalty widget").isChecked()).toBe(true);
    await checkThemeAgain();
    await page.getByText("The loyalty widget is not enabled yet in your theme “Dawn”").waitFor();
    expect(await page.getByText("2 of 4 steps done").count()).toBe(1);
    // The merchant saves; back in Tally, the check sees the theme as it now is.
    await editor.getByRole("button", { name: "Save" }).click();
    await editor.getByText("Saved.").waitFor();
    await editor.close();
    await checkThemeAgain();
    await page.getByText("The loyalty widget is on in your theme “Dawn”.").waitFor();
    await page.getByText("3 of 4 steps done").waitFor();
    await screenshot(page, "home-widget-on");
    // In the sandbox, the preview is the local storefront preview, with the launcher.
    const [storefront] = await Promise.all([
      page.waitForEvent("popup"),
      page.getByRole("link", { name: "Preview" }).click(),
    ]);
    expect(new URL(storefront.url()).pathname).toBe("/sandbox/storefront");
    await storefront.close();
    await page.getByRole("heading", { name: "Set up your loyalty program" }).waitFor({ state: "detached" });
    await nav("Rewards").click();
    await nav("Home").click();
    await page.getByText("Loyalty program for").waitFor();
    expect(await page.getByRole("heading", { name: "Set up your loyalty program" }).count()).toBe(0);
  });

  it("members: find a member, adjust their points, see the ledger update", async () => {
    await nav("Members").click();
    await page.getByRole("row", { name: /bob@example.com/ }).waitFor();
    await page.getByPlaceholder("Search by email, name or Shopify customer ID").fill("ada");
    await page.waitForURL(/query=ada/);
    await page.getByRole("row", { name: /bob@example.com/ }).waitFor({ state: "detached" });
    await screenshot(page, "members");
    // Flow gave Ada Gold until a date (a comp): her page says so beside her tier.
    const until = new Date(Date.now() + 100 * 86_400_000);
    until.setUTCHours(12, 0, 0, 0);
    const comp = flowActionRequest(
      app.url,
      {
        shop: SHOP,
        handle: "tally-set-vip-tier",
        properties: { customer_id: "801", tier: "Gold", until: until.toISOString().replace(".000Z", "Z") },
      },
      TEST_API_SECRET,
    );
    expect((await fetch(comp.url, comp.init)).status).toBe(200);
    await page.getByRole("row", { name: /ada@example.com/ }).click();
    await page.getByRole("heading", { name: "ada@example.com" }).waitFor();
    const day = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" }).format(until);
    await page.getByText(`Given Gold by Flow until ${day}`).waitFor();
    await page.getByText("Earned on order").first().waitFor();
    await page.getByLabel("Points", { exact: true }).fill("50");
    await page.getByLabel("Reason").fill("Sorry for the late parcel");
    await page.getByRole("button", { name: "Adjust points" }).click();
    await toast("Done. New balance: 170 points.").waitFor();
    await page.getByRole("cell", { name: "Adjusted by the store: Sorry for the late parcel" }).waitFor();
    // A large adjustment is confirmed first.
    await page.getByLabel("Points", { exact: true }).fill("-5000");
    await page.getByLabel("Reason").fill("Typo check");
    await page.getByRole("button", { name: "Adjust points" }).click();
    await page.getByRole("dialog").getByText("Adjust by -5000 points?").waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    const member = await app.prisma.member.findFirstOrThrow({ where: { email: "ada@example.com" } });
    expect(Number(member.balance)).toBe(170);
    await screenshot(page, "member");
  });

  it("imports a CSV: the bad row is reported with its line, the rest import", async () => {
    await nav("Import & export").click();
    const csv = ["email,points,tier", "cy@example.com,300,Gold", "not-an-email,50,", "di@example.com,1200,"].join("\n");
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: "smile-export.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByText("2 members with 1500 points in all are ready to import").waitFor();
    await page.getByText(/Line 3:/).waitFor();
    await screenshot(page, "import-preview");
    await page.getByRole("button", { name: "Import 2 members" }).click();
    await page.getByText("Import started").waitFor();
    await runMemberImports(app.prisma, new Date());
    await page.getByText("2 of 2 rows processed: 2 imported, 0 skipped").waitFor();
    const balances = await app.prisma.member.findMany({
      where: { email: { in: ["cy@example.com", "di@example.com"] } },
      select: { email: true, balance: true, tierId: true },
    });
    expect(balances.sort((a, b) => a.email!.localeCompare(b.email!))).toEqual([
      { email: "cy@example.com", balance: 300, tierId: expect.any(String) },
      { email: "di@example.com", balance: 1200, tierId: null },
    ]);
    await screenshot(page, "import-done");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export members" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("tally-members.csv");
    const exported = readFileSync((await download.path())!, "utf8");
    expect(exported).toContain("di@example.com");
    expect(exported.split("\n")[0]).toMatch(/email/i);
  });

  it("dashboard: figures and charts for the period, LCP and CLS measured", async () => {
    // Di spends 300 of her imported 1,200 points on the tote bag discount.
    const redemption = await fetch(
      `${app.url}/proxy/redemptions?${appProxyQuery({ shop: SHOP, customerId: 804 }, TEST_API_SECRET)}`,
      {
        method: "POST",
        headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
        body: JSON.stringify({ rewardId: "tote-bag-discount" }),
      },
    );
    expect(redemption.status).toBe(201);
    await nav("Home").click();
    await page.getByRole("heading", { name: "Program performance" }).waitFor();
    await page.getByText("Points per day").waitFor();
    // polaris-viz draws once it has measured its box: the chart is an SVG table of the series.
    await page.locator('svg[role="table"]').first().waitFor();
    const card = (heading: string) =>
      page.locator(".Polaris-ShadowBevel", { has: page.getByRole("heading", { name: heading }) });
    await card("Most popular rewards").locator("svg").first().waitFor();
    await screenshot(page, "dashboard");
    const liabilityText = await card("Outstanding liability").textContent();
    // 1,450 spendable points (Ada 170, Bob 80, Cy 300, Di 900) at the best amount-off reward,
    // 300 points = €7.00: 1,450 × 700 ÷ 300 = 3,383.3 cents.
    expect(liabilityText).toContain("€33.83");
    expect(liabilityText).toContain(
      "1,450 outstanding points, valued at the best amount-off reward: 300 points = €7.00 off (“Tote bag discount”)",
    );
    expect(liabilityText).toContain("pending points, not yet released, are not counted");
    // The charts: dates as the range above them says them, whole numbers of points and redemptions.
    const chartTexts = await page.locator("svg text").allTextContents();
    expect(chartTexts.some((text) => /^[A-Z][a-z]{2} \d{1,2}, \d{4}$/.test(text.trim()))).toBe(true);
    expect(chartTexts.filter((text) => /\d{4}-\d{2}-\d{2}/.test(text))).toEqual([]);
    expect(chartTexts.filter((text) => /^\d+\.\d+$/.test(text.trim()))).toEqual([]);
    // A fresh load of the dashboard, as the merchant opening the app.
    await page.goto(`${app.url}/sandbox/login`);
    await page.getByRole("heading", { name: "Program performance" }).waitFor();
    const vitals = await webVitals(page);
    // Interactions: open the date-range picker, pick a preset (the page reloads its figures).
    const slowestInteraction = await recordInteractions(page);
    await page.getByRole("button", { name: /–/ }).click();
    await page.getByRole("button", { name: "Last 7 days" }).last().click();
    await page.waitForURL(/from=/);
    await page.getByRole("heading", { name: "Program performance" }).waitFor();
    writeArtifact("dashboard-web-vitals.json", { ...vitals, slowestInteractionMs: await slowestInteraction() });
  });

  it("referrals: turned on in the settings, a held friend approved from the list", async () => {
    await nav("Referrals").click();
    await page.getByText("Referrals are off").waitFor();
    // Nothing to page through in an empty list.
    expect(await page.locator(".Polaris-Pagination").count()).toBe(0);
    await page.getByLabel("Turn on referrals").check();
    // The banner says what runs: still off until saved.
    await page.getByText("Referrals are off").waitFor();
    await page.getByLabel("Days before rewarding").fill("0");
    await page.getByRole("button", { name: "Save" }).click();
    await saved();
    await toast("Saved").waitFor();
    await page.getByText("Referrals are off").waitFor({ state: "detached" });
    await screenshot(page, "referrals-on");
    expect((await program()).referrals).toMatchObject({ enabled: true, holdDays: 0 });

    // Ada shares her link; a friend with a throwaway address orders through it.
    const member = (await (await app.proxy("/member", { shop: SHOP, customerId: 801 })).json()) as {
      referral: { code: string };
    };
    const order = orderPayload("orders/paid", {
      id: 300,
      customer: { id: 805, email: "temp@mailinator.com" },
      lines: [{ price: "60.00" }],
    }) as Record<string, unknown>;
    order.note_attributes = [{ name: "_tally_ref", value: member.referral.code }];
    order.shipping_address = { address1: "9 Elsewhere Lane", zip: "75001", country_code: "FR", phone: null };
    // The Admin API double has no products: the gift-card rule set earlier would look this order's up.
    await app.configureProgram(SHOP, (p) => void (p.earning.order.productRules = []));
    expect((await app.webhook("orders/paid", SHOP, order)).status).toBe(200);
    await POINTS_JOBS.referrals(app.prisma, new Date(Date.now() + 86_400_000));

    // The review queue's tab reloads the list.
    await page.getByRole("tab", { name: /^Held for review/ }).click();
    await page.waitForURL(/status=review/);
    const row = page.getByRole("row", { name: /Customer 805/ });
    await row.getByText("Held for review").waitFor();
    await row.getByText("Throwaway email address (soft)").waitFor();
    await screenshot(page, "referrals");
    const before = Number((await app.prisma.member.findFirstOrThrow({ where: { email: "ada@example.com" } })).balance);
    await row.getByRole("button", { name: "Approve the referral of customer 805" }).click();
    await page.getByText("Approved: the referrer got their reward.").waitFor();
    // Decided, it leaves the review queue; the whole list shows it rewarded.
    await row.waitFor({ state: "detached" });
    await page.getByRole("tab", { name: "All" }).click();
    await row.getByText("Rewarded", { exact: true }).waitFor();
    expect(Number((await app.prisma.member.findFirstOrThrow({ where: { email: "ada@example.com" } })).balance)).toBe(
      before + 500,
    );
  });
});
