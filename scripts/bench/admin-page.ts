// The admin's first page in a real browser (Debian's Chromium through playwright-core, as the
// browser tests drive it): the built app with the sandbox standing in for the Shopify admin, one
// shop with two paid orders. Timings only: the tests assert what the page does.
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import type { DoubleCustomer } from "../../sandbox/admin-api-double";
import { openBrowser, recordInteractions, webVitals } from "../../test/support/browser";
import { BROWSER_USER_AGENT } from "../../test/support/constants";
import { startTestApp } from "../../test/support/test-app";
import { orderPayload } from "../../test/support/webhook-fixtures";
import { round, type Figure } from "./figures";
import { progress } from "./harness";

const SHOP = "bench-admin.myshopify.com";
const customer = (id: number, email: string): DoubleCustomer => ({
  id,
  email,
  firstName: "Bench",
  lastName: "Shopper",
  phone: null,
  tags: [],
  createdAt: "2026-01-01T00:00:00Z",
  numberOfOrders: 0,
  amountSpent: "0.00",
});
const CUSTOMERS = [customer(901, "ada@example.com"), customer(902, "bob@example.com")];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/**
 * `loads` fresh loads of the home page, each in a new browser context (an empty cache, as a
 * merchant's first visit after a deploy): LCP, when the lazily loaded charts are drawn, and the
 * slowest interaction (Event Timing, as INP counts it) while using the page's controls.
 */
export async function runAdminPageBench(options: { loads: number }): Promise<Figure[]> {
  // In this process, on in-memory PGlite: the page is the subject, not the database. The test app
  // sets its environment on this process; the later parts get theirs back.
  const environment = { ...process.env };
  const app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  const opened = await openBrowser(app.url);
  try {
    await app.installShop(SHOP, { customers: CUSTOMERS });
    for (const [index, buyer] of CUSTOMERS.entries()) {
      const paid = orderPayload("orders/paid", {
        id: 500 + index,
        customer: { id: buyer.id, email: buyer.email },
        lines: [{ price: "120.00" }],
      });
      const response = await app.webhook("orders/paid", SHOP, paid);
      if (response.status !== 200) throw new Error(`orders/paid answered ${response.status}`);
    }
    const loginUrl = `${app.url}/sandbox/login`;
    const documentResponse = await fetch(loginUrl, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    const documentBytes = Buffer.from(await documentResponse.arrayBuffer());

    const lcp: number[] = [];
    const chartsDrawn: number[] = [];
    const shifts: number[] = [];
    const interactions: number[] = [];
    let scripts = 0;
    for (let load = 0; load < options.loads; load++) {
      progress(`admin page: load ${load + 1} of ${options.loads}`);
      const page = await freshPage(opened.browser, app.url);
      await page.goto(loginUrl);
      await page.getByRole("heading", { name: "Program performance" }).waitFor();
      const vitals = await webVitals(page);
      if (vitals.lcpMs !== null) lcp.push(vitals.lcpMs);
      await page.locator('svg[role="table"]').first().waitFor();
      chartsDrawn.push(await page.evaluate(() => performance.now()));
      // Every layout shift since the page opened, the charts' arrival included.
      shifts.push((await webVitals(page)).cls);
      scripts = await page.evaluate(
        () => performance.getEntriesByType("resource").filter((entry) => entry.name.endsWith(".js")).length,
      );
      interactions.push(await slowestInteraction(page));
      await page.context().close();
    }
    return [
      {
        group: "admin page",
        name: "home page LCP, first load",
        database: "—",
        value: round(median(lcp)),
        unit: "ms",
        detail: `median of ${lcp.length} loads (${lcp.map((value) => Math.round(value)).join(", ")}), no CPU throttling`,
      },
      {
        group: "admin page",
        name: "home page charts drawn",
        database: "—",
        value: round(median(chartsDrawn)),
        unit: "ms",
        detail: "from navigation start, median: polaris-viz loads after the page",
      },
      {
        group: "admin page",
        name: "home page CLS, charts drawn",
        database: "—",
        value: round(Math.max(...shifts), 3),
        unit: "",
        detail: "the largest of the loads: the chart boxes keep their height while polaris-viz loads",
      },
      {
        group: "admin page",
        name: "home page slowest interaction",
        database: "—",
        value: round(median(interactions)),
        unit: "ms",
        detail: `median over loads of the longest Event Timing entry: open the range picker, pick 7 days, reopen and close it, go to Earning & expiry and back`,
      },
      {
        group: "admin page",
        name: "home page document, gzip",
        database: "—",
        value: round(gzipSync(documentBytes, { level: 9 }).length / 1024, 1),
        unit: "KB",
        detail: `${round(documentBytes.length / 1024, 1)} KB raw, with the language's strings; ${scripts} scripts loaded`,
      },
    ];
  } finally {
    await opened.close();
    await app.close();
    for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
    Object.assign(process.env, environment);
  }
}

/** A page in a new context: an empty cache, the test browser's user agent, nothing fetched from other origins. */
async function freshPage(browser: Browser, appUrl: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: BROWSER_USER_AGENT });
  await context.route(
    (url) => url.origin !== new URL(appUrl).origin,
    (route) => route.abort(),
  );
  return context.newPage();
}

/** The longest interaction while using the home page's controls, in ms (0 when none took 16 ms). */
async function slowestInteraction(page: Page): Promise<number> {
  const slowest = await recordInteractions(page);
  const rangeButton = page.getByRole("button", { name: /–/ });
  await rangeButton.click();
  await page.getByRole("button", { name: "Last 7 days" }).last().click();
  await page.waitForURL(/from=/);
  await page.getByRole("heading", { name: "Program performance" }).waitFor();
  await rangeButton.click();
  await page.getByRole("button", { name: "Apply", exact: true }).waitFor();
  await page.keyboard.press("Escape");
  const nav = (name: string) =>
    page.getByRole("navigation", { name: "Tally sections" }).getByRole("link", { name, exact: true });
  await nav("Earning & expiry").click();
  await page.getByRole("heading", { name: "Earning & expiry", exact: true }).first().waitFor();
  await nav("Home").click();
  await page.getByRole("heading", { name: "Program performance" }).waitFor();
  return (await slowest()) ?? 0;
}
