import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BROWSER_USER_AGENT } from "./constants";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";

/** Screenshots and measurements of a test run (not committed: test-results/ is ignored). */
export const ARTIFACTS_DIR = path.resolve("test-results/browser");

/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser download cannot run
 * here), each run on a fresh temporary profile. Every request that leaves the app is refused: App Bridge's CDN script among them, as
 * in the sandbox, so the pages must work without it.
 */
export async function openBrowser(
  appUrl: string,
): Promise<{ browser: Browser; context: BrowserContext; page: Page; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  // Headless Chromium says "HeadlessChrome", which Shopify's library answers as a bot (410).
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: BROWSER_USER_AGENT });
  await context.route(
    (url) => url.origin !== new URL(appUrl).origin,
    (route) => route.abort(),
  );
  const page = await context.newPage();
  return {
    browser,
    context,
    page,
    async close() {
      await browser.close();
    },
  };
}

/**
 * Waits until React has hydrated the element: on a page just loaded, a fill or click that lands
 * before hydration never reaches the component's state (a controlled field is reset, Save stays
 * disabled). React keeps an element's props on the element once it has claimed it. The locator is
 * resolved again on each look: React replaces an element whose server HTML it could not adopt.
 */
export async function untilHydrated(locator: Locator, timeoutMs = 15_000): Promise<Locator> {
  const deadline = Date.now() + timeoutMs;
  const hydrated = () =>
    locator.evaluate((element) => Object.keys(element).some((key) => key.startsWith("__reactProps$")));
  while (!(await hydrated())) {
    if (Date.now() > deadline) throw new Error(`${locator.toString()} was not hydrated within ${timeoutMs} ms`);
    await locator.page().waitForTimeout(50);
  }
  return locator;
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

export function writeArtifact(name: string, content: unknown) {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  writeFileSync(path.join(ARTIFACTS_DIR, name), JSON.stringify(content, null, 2));
}

/** Largest Contentful Paint and Cumulative Layout Shift of the page as loaded, from Chromium's own entries. */
export async function webVitals(page: Page): Promise<{ lcpMs: number | null; cls: number }> {
  return page.evaluate(
    () =>
      new Promise<{ lcpMs: number | null; cls: number }>((resolve) => {
        let lcpMs: number | null = null;
        let cls = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) lcpMs = entry.startTime;
        }).observe({ type: "largest-contentful-paint", buffered: true });
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
            if (!entry.hadRecentInput) cls += entry.value;
          }
        }).observe({ type: "layout-shift", buffered: true });
        setTimeout(() => resolve({ lcpMs, cls }), 1000);
      }),
  );
}

/**
 * Starts recording interaction latency (Event Timing entries, as INP counts them) on the page;
 * the returned function gives the slowest interaction seen since, in ms.
 */
export async function recordInteractions(page: Page): Promise<() => Promise<number | null>> {
  await page.evaluate(() => {
    const store = window as unknown as { __tallyInteractions: number[] };
    store.__tallyInteractions = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { interactionId?: number })[]) {
        if (entry.interactionId) store.__tallyInteractions.push(entry.duration);
      }
    }).observe({ type: "event", buffered: true, durationThreshold: 16 } as PerformanceObserverInit);
  });
  return () =>
    page.evaluate(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const seen = (window as unknown as { __tallyInteractions: number[] }).__tallyInteractions;
      return seen.length ? Math.max(...seen) : null;
    });
}
