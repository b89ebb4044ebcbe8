import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BillingOverview } from "~/loyalty/billing/overview.server";
import { BROWSER_USER_AGENT } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { webhookPayload } from "./support/webhook-fixtures";

const SHOP = "billing-admin.myshopify.com";
const PRIVATE_SHOP = "billing-private.myshopify.com";
const PRICE =
  "Tally charges $0.20 each time a shopper uses a reward — earning points is free — and never more than $100.00 every 30 days.";
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_BILLING: "on" } });
  for (const shop of [SHOP, PRIVATE_SHOP]) await app.installShop(shop);
});
afterAll(() => app?.close());

/** The admin's document for a path, as the Shopify admin opens it (redirects not followed). */
const open = async (path: string, shop: string) =>
  fetch(await app.adminDocumentUrl(path, shop), { redirect: "manual", headers: { "User-Agent": BROWSER_USER_AGENT } });
const page = async (path: string, shop: string) => {
  const response = await open(path, shop);
  expect(response.status).toBe(200);
  // React writes apostrophes as entities.
  return (await response.text()).replaceAll("&#x27;", "'");
};

/** The billing page's loader data, as the admin's browser reads it (Remix single fetch). */
async function overview(shop: string, query = ""): Promise<BillingOverview> {
  const params = new URLSearchParams(query);
  params.set("_routes", "routes/app.billing");
  const response = await app.admin(`/app/billing.data?${params}`, shop);
  expect(response.status).toBe(200);
  const decoded = (await decode(response.body!)).value as Record<string, { data: { overview: BillingOverview } }>;
  return decoded["routes/app.billing"]!.data.overview;
}

type Answer = { confirmationUrl?: string; error?: string };
async function ask(shop: string, intent: Record<string, string>): Promise<{ status: number; answer: Answer }> {
  const response = await app.admin("/app/billing.data", shop, { method: "POST", body: new URLSearchParams(intent) });
  return { status: response.status, answer: ((await decode(response.body!)).value as { data: Answer }).data };
}

/** The subscription a confirmation URL of the double approves. */
const subscriptionOf = (confirmationUrl: string) => new URL(confirmationUrl).searchParams.get("subscription")!;

describe("the billing page", () => {
  it("is where a shop never asked to approve the plan lands, with the admin's query kept", async () => {
    const response = await open("/app", SHOP);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("Location")!, app.url);
    expect(location.pathname).toBe("/app/billing");
    expect(location.searchParams.get("embedded")).toBe("1");
    expect(location.searchParams.get("shop")).toBe(SHOP);
    expect(location.searchParams.get("id_token")).toBeTruthy();

    const html = await page("/app/billing", SHOP);
    expect(html).toContain(PRICE);
    expect(html).toContain(
      "300 rewards used in a month: 300 × $0.20 = $60.00; unused or expired rewards cost nothing.",
    );
    expect(html).toContain("Shoppers don't see your loyalty program until you approve the plan.");
    expect(html).toContain("Approve plan in Shopify");
    // The page explains itself: no layout banner sending the merchant to where they are.
    expect(html).not.toContain("Go to billing");
  });

  it("asks Shopify for the plan; the home page then works, with a banner until it is approved", async () => {
    const { status, answer } = await ask(SHOP, { intent: "approve" });
    expect(status).toBe(200);
    expect(answer.confirmationUrl).toMatch(new RegExp(`^${app.double.origin}/admin/charges/confirm\\?`));
    const stored = await app.prisma.appSubscription.findUniqueOrThrow({
      where: { id: subscriptionOf(answer.confirmationUrl!) },
    });
    expect(stored).toMatchObject({ status: "PENDING", confirmationUrl: answer.confirmationUrl });
    // Shopify sends the merchant back to the embedded app's billing page.
    const [call] = app.double.callsTo("CreateAppSubscription").slice(-1);
    expect(JSON.stringify(call?.variables)).toContain(`https://${SHOP}/admin/apps/`);

    const pending = await page("/app/billing", SHOP);
    expect(pending).toContain("Waiting for your approval in Shopify");
    const home = await page("/app", SHOP);
    expect(home).toContain("Shoppers don't see your loyalty program until you approve Tally's plan");
    expect(home).toContain("Go to billing");
  });

  it("says the plan was declined and offers it again", async () => {
    const declined = await app.prisma.appSubscription.findFirstOrThrow({ where: { shop: { domain: SHOP } } });
    app.double.answerConfirmation(SHOP, declined.id, false);
    expect((await overview(SHOP)).subscription?.status).toBe("DECLINED");
    const html = await page("/app/billing", SHOP);
    expect(html).toContain("You declined Tally's plan");
    expect(html).toContain("Approve plan in Shopify");
    // Asked once: home works, with the banner.
    expect(await page("/app", SHOP)).toContain("until you approve Tally's plan");

    const again = await ask(SHOP, { intent: "approve" });
    expect(subscriptionOf(again.answer.confirmationUrl!)).not.toBe(declined.id);
    expect(await page("/app/billing", SHOP)).toContain("Waiting for your approval in Shopify");
  });

  it("shows the plan active once the merchant approved it in Shopify", async () => {
    const pending = await app.prisma.appSubscription.findFirstOrThrow({
      where: { shop: { domain: SHOP }, status: "PENDING" },
    });
    const back = new URL(app.double.answerConfirmation(SHOP, pending.id, true));
    expect(back.searchParams.get("charge_id")).toBeTruthy();

    const shown = await overview(SHOP, back.search);
    expect(shown.subscription).toMatchObject({ status: "ACTIVE", cappedAmount: 10_000, balanceUsed: 0 });
    expect(await app.prisma.appSubscription.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({
      status: "ACTIVE",
      confirmationUrl: null,
    });
    const html = await page("/app/billing", SHOP);
    expect(html).toContain("Your plan");
    expect(html).toContain("Active");
    expect(html).toContain("$0.00 of $100.00 used");
    expect(html).not.toContain("Approve plan in Shopify");
    expect(await page("/app", SHOP)).not.toContain("Go to billing");
  });

  it("warns on every page as the cycle nears its cap, and says when it is reached", async () => {
    const where = { shopId: (await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id };
    await app.prisma.appSubscription.updateMany({ where, data: { balanceUsed: 8_000n } });
    // Opening the billing page would read Shopify's balance again: the banners read the stored one.
    expect(await page("/app/members", SHOP)).toContain("You've used 80% of this month's cap");
    await app.prisma.appSubscription.updateMany({ where, data: { balanceUsed: 10_000n } });
    const home = await page("/app", SHOP);
    expect(home).toContain("This month's cap is reached");
    expect(home).toContain("Rewards used now are not billed, and shoppers are unaffected.");
    // A period that ended is a new cycle: nothing used yet.
    await app.prisma.appSubscription.updateMany({
      where,
      data: { currentPeriodEnd: new Date(Date.now() - 86_400_000) },
    });
    expect(await page("/app", SHOP)).not.toContain("Go to billing");
  });

  it("raises the cap: Shopify's page to approve it, then the new cap shown", async () => {
    const refused = await ask(SHOP, { intent: "raise_cap", cap: "12345" });
    expect(refused).toMatchObject({ status: 409, answer: { error: "invalid_cap" } });
    const { status, answer } = await ask(SHOP, { intent: "raise_cap", cap: "25000" });
    expect(status).toBe(200);
    expect(answer.confirmationUrl).toMatch(new RegExp(`^${app.double.origin}/admin/charges/confirm\\?`));
    app.double.answerConfirmation(SHOP, subscriptionOf(answer.confirmationUrl!), true);

    expect((await overview(SHOP)).subscription).toMatchObject({ status: "ACTIVE", cappedAmount: 25_000 });
    const html = await page("/app/billing", SHOP);
    expect(html).toContain("of $250.00 used");
    expect(html).toContain("Tally charges $0.20 each time a shopper uses a reward");
  });

  it("shows the stored plan when Shopify does not answer", async () => {
    app.double.failNext({ kind: "graphql", message: "Internal error" });
    try {
      const html = await page("/app/billing", SHOP);
      expect(html).toContain("Shopify did not answer");
      expect(html).toContain("of $250.00 used");
    } finally {
      app.double.reset();
    }
  });
});

describe("a reinstall", () => {
  it("asks for the plan again: Shopify cancelled the old one on uninstall", async () => {
    const uninstalled = await app.webhook("app/uninstalled", SHOP, webhookPayload("app/uninstalled"));
    expect(uninstalled.status).toBe(200);
    await app.installShop(SHOP);
    const response = await open("/app", SHOP);
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("Location")!, app.url).pathname).toBe("/app/billing");
  });
});

describe("a private install (TALLY_BILLING=off)", () => {
  it("opens home directly and the billing page says there is nothing to approve", async () => {
    process.env.TALLY_BILLING = "off";
    try {
      expect((await open("/app", PRIVATE_SHOP)).status).toBe(200);
      const html = await page("/app/billing", PRIVATE_SHOP);
      expect(html).toContain("Billing is off for this install");
      expect(html).not.toContain("Approve plan in Shopify");
      expect(html).not.toContain("Go to billing");
      expect(await ask(PRIVATE_SHOP, { intent: "approve" })).toMatchObject({
        status: 409,
        answer: { error: "billing_off" },
      });
    } finally {
      process.env.TALLY_BILLING = "on";
    }
  });
});
