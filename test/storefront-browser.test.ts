import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appProxyQuery } from "../sandbox/signing";
import { openBrowser, webVitals } from "./support/browser";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/*
 * The shopper's side in a real browser: the sandbox's storefront preview renders the theme app
 * extension's launcher and blocks from their Liquid, signs App Proxy requests as Shopify would
 * for the customer signed in to the preview, and plays Shopify's Cart AJAX API.
 */

const SHOP = "storefront-shop.myshopify.com";
const RICH = 901; // 600 points, Silver
const MODEST = 902; // 150 points
const NEWCOMER = 903; // a customer who never ordered: no points yet
/** The shop's customers in Shopify: the two who ordered and three who did not (yet). */
const CUSTOMERS = [
  [RICH, "Ava", "Martin"],
  [MODEST, "Noah", "Bernard"],
  [NEWCOMER, "Mia", "Dubois"],
  [904, "Liam", "Moreau"],
  [905, "Zoe", "Laurent"],
].map(([id, firstName, lastName]) => ({
  id: Number(id),
  email: `c${id}@example.com`,
  firstName: String(firstName),
  lastName: String(lastName),
  phone: null,
  tags: [],
  createdAt: "2026-03-14T10:00:00Z",
  numberOfOrders: 0,
  amountSpent: "0.00",
}));
const ARTIFACTS = path.resolve("test-results/storefront");
let app: TestApp;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

const preview = (query: string) => `${app.url}/sandbox/storefront?${query}`;
const artifact = (name: string, content: unknown) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, name), JSON.stringify(content, null, 2));
};
const screenshot = async (name: string) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
};
const balance = async (customerId: number) =>
  Number((await app.prisma.member.findFirstOrThrow({ where: { shopifyCustomerId: String(customerId) } })).balance);

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP, { customers: CUSTOMERS });
  await app.configureProgram(SHOP, (program) => {
    program.rewards.push({
      ...program.rewards[0]!,
      id: "ship",
      name: "Free shipping",
      type: "free_shipping",
      pointsCost: 100,
      maxShippingPrice: null,
    } as (typeof program.rewards)[number]);
    program.tiers.levels = [{ id: "silver", name: "Silver", threshold: 300, earnMultiplier: 1, entryBonusPoints: 0 }];
  });
  for (const [id, customer, price] of [
    [7001, RICH, "600.00"],
    [7002, MODEST, "150.00"],
  ] as const) {
    const paid = await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", {
        id,
        customer: { id: customer, email: `c${customer}@example.com` },
        lines: [{ price }],
      }),
    );
    expect(paid.status).toBe(200);
  }
  browser = await openBrowser(app.url);
  page = browser.page;
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const launcher = () => page.locator(".tally-launcher");
async function openLauncher() {
  await page.getByRole("button", { name: "Rewards" }).click();
  await launcher().getByRole("dialog").waitFor();
}

describe("the storefront preview in a real browser", () => {
  it("guest: the product page says what it earns, the launcher shows the program and a sign-in link", async () => {
    await page.goto(preview("customer=guest&page=product"));
    await page.getByText("Earn 89 points with this purchase").waitFor();
    // The theme's variant picker: the block follows it.
    await page.getByLabel("Size").selectOption({ label: "L / Forest" });
    await page.getByText("Earn 94 points with this purchase").waitFor();
    await openLauncher();
    const panel = launcher().getByRole("dialog");
    await panel.getByText("How to earn").waitFor();
    expect(await panel.textContent()).toContain("Join our rewards program");
    expect(await panel.getByRole("listitem").filter({ hasText: "5 off" }).textContent()).toContain("500 points");
    const signIn = panel.getByRole("link", { name: "Sign in" });
    expect(await signIn.getAttribute("href")).toBe("/sandbox/storefront?page=login");
    await screenshot("guest-launcher");
    await page.goto(preview("page=cart"));
    await page.locator(".tally-cart").getByText("Sign in to use your points on this order.").waitFor();
  });

  it("signed in: balance, tier and the rewards they can afford", async () => {
    await page.goto(preview(`customer=${RICH}&page=product`));
    await openLauncher();
    const panel = launcher().getByRole("dialog");
    await panel.getByText("600 points", { exact: true }).waitFor();
    expect(await panel.textContent()).toContain("Silver member");
    expect(await panel.getByRole("button", { name: /^Redeem for/ }).allTextContents()).toEqual([
      "Redeem for 500 points",
      "Redeem for 100 points",
    ]);
    await screenshot("member-launcher");
    await page.goto(preview("page=account"));
    await page.locator(".tally-account").getByText("Earned on order").waitFor();
    expect(await page.locator(".tally-account [data-tally-body]").textContent()).toContain("600 points");
    await screenshot("member-account");
  });

  it("in French with euros: the shopper's language, plurals, digit grouping and currency", async () => {
    await page.goto(preview("customer=guest&page=product&locale=fr&currency=EUR&rate=0.9"));
    // $89.00 of the shop's is €80.10 on the page (Shopify's presentment price); it earns on the $89.00.
    expect(await page.locator("p.price").textContent()).toBe("80,10\u00a0€");
    await page.getByText("Gagnez 89 points avec cet achat").waitFor();
    await page.getByRole("button", { name: "Récompenses" }).click();
    const panel = launcher().getByRole("dialog");
    await panel.getByText("Comment gagner des points").waitFor();
    // One point: singular; the program's $1 in euros at Shopify's rate.
    expect(await panel.textContent()).toContain("1 point par 0,90\u00a0€ dépensé");
    expect(await panel.getByRole("listitem").filter({ hasText: "5 off" }).textContent()).toContain("500 points");
    await screenshot("guest-launcher-fr-eur");
    await page.goto(preview(`customer=${RICH}&page=product&locale=fr&currency=EUR&rate=0.9`));
    await page.getByRole("button", { name: "Récompenses" }).click();
    await panel.getByText("600 points", { exact: true }).waitFor();
    expect(await panel.textContent()).toContain("Membre Silver");
    expect(await panel.getByRole("button", { name: /^Échanger contre/ }).allTextContents()).toEqual([
      "Échanger contre 500 points",
      "Échanger contre 100 points",
    ]);
    await screenshot("member-launcher-fr-eur");
  });

  it("in Japanese with yen: no plural, yen without decimals", async () => {
    await page.goto(preview(`customer=${RICH}&page=product&locale=ja&currency=JPY`));
    // The preview's sample rate: ¥150 to the dollar.
    expect(await page.locator("p.price").textContent()).toBe("￥13,350");
    await page.getByText("この商品の購入で89ポイント獲得").waitFor();
    await page.getByRole("button", { name: "特典" }).click();
    const panel = launcher().getByRole("dialog");
    await panel.getByText("600ポイント", { exact: true }).waitFor();
    expect(await panel.textContent()).toContain("Silver会員");
    expect(await panel.getByRole("button", { name: /で交換$/ }).allTextContents()).toEqual([
      "500ポイントで交換",
      "100ポイントで交換",
    ]);
    await screenshot("member-launcher-ja-jpy");
  });

  it("redeems in the cart: the code goes to the cart through /cart/update.js and shows in the cart", async () => {
    await page.goto(preview(`customer=${RICH}&page=cart`));
    const block = page.locator(".tally-cart");
    await block.getByText("You have 600 points.").waitFor();
    await block.getByRole("combobox", { name: "Reward" }).selectOption({ label: "Free shipping (100 points)" });
    const [update] = await Promise.all([
      page.waitForRequest(
        (request) => request.url().endsWith("/sandbox/cart/update.js") && request.method() === "POST",
      ),
      block.getByRole("button", { name: "Use points" }).click(),
    ]);
    const { discount } = update.postDataJSON() as { discount: string };
    expect(discount).toMatch(/^TALLY-[0-9A-Z]{12}$/);
    // Applied: the cart block reloads the page so the theme shows the discount.
    await page.waitForURL(/page=cart/);
    await page.getByRole("list", { name: "Discount codes in the cart" }).getByText(discount).waitFor();
    expect(await page.getByRole("list", { name: "Discount codes in the cart" }).textContent()).toContain(
      "(applies at checkout)",
    );
    await block.getByText("You have 500 points.").waitFor();
    expect(await balance(RICH)).toBe(500);
    const discounts = app.double.shop(SHOP).discounts.filter((d) => d.code === discount);
    expect(discounts).toHaveLength(1);
    expect(discounts[0]!.input).toMatchObject({ context: { customers: { add: [`gid://shopify/Customer/${RICH}`] } } });
    await openLauncher();
    await launcher().getByRole("dialog").getByText(discount).waitFor();
    await screenshot("cart-redeemed");
  });

  it("keeps the code on screen when the cart refuses it", async () => {
    await page.goto(preview(`customer=${RICH}&page=cart`));
    await page.route("**/sandbox/cart/update.js", (route) =>
      route.fulfill({ status: 422, contentType: "application/json", body: '{"status":422}' }),
    );
    const block = page.locator(".tally-cart");
    await block.getByRole("combobox", { name: "Reward" }).selectOption({ label: "Free shipping (100 points)" });
    await block.getByRole("button", { name: "Use points" }).click();
    await block.getByText("Enter your code at checkout.").waitFor();
    const code = await block.locator("[data-tally-msg] code").textContent();
    expect(code).toMatch(/^TALLY-/);
    expect(await balance(RICH)).toBe(400);
    await page.unroute("**/sandbox/cart/update.js");
    await screenshot("cart-apply-failed");
  });

  it("not enough points: an error, nothing spent", async () => {
    await page.goto(preview(`customer=${MODEST}&page=cart`));
    const block = page.locator(".tally-cart");
    await block.getByText("You have 150 points.").waitFor();
    // The shopper spends 100 points in another tab: this page still offers the reward.
    const query = appProxyQuery({ shop: SHOP, customerId: MODEST }, TEST_API_SECRET);
    const elsewhere = await fetch(`${app.url}/proxy/redemptions?${query}`, {
      method: "POST",
      headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "ship" }),
    });
    expect(elsewhere.status).toBe(201);
    await block.getByRole("combobox", { name: "Reward" }).selectOption({ label: "Free shipping (100 points)" });
    await block.getByRole("button", { name: "Use points" }).click();
    await block.getByText("You need 100 points for this reward and have 50 points. Nothing was spent.").waitFor();
    await block.getByText("You have 50 points.").waitFor();
    expect(await balance(MODEST)).toBe(50);
    await screenshot("cart-insufficient");
  });

  it("a signed-out session: the App Proxy answers 401 and the block asks to sign in again", async () => {
    await page.goto(preview(`customer=${RICH}&page=cart`));
    const block = page.locator(".tally-cart");
    await block.getByText("You have 400 points.").waitFor();
    // Signed out in another tab: Shopify's session (the preview's cookie) no longer has a customer.
    const other = await browser.context.newPage();
    await other.goto(preview("customer=guest&page=product"));
    await other.close();
    await block.getByRole("combobox", { name: "Reward" }).selectOption({ label: "Free shipping (100 points)" });
    await block.getByRole("button", { name: "Use points" }).click();
    await block.getByText("Your session has ended: sign in again to use your points.").waitFor();
    expect(await balance(RICH)).toBe(400);
  });

  it("trusts no customer id from the page: the preview's App Proxy signs only its own session's", async () => {
    await page.goto(preview("customer=guest&page=product"));
    const forged = await page.evaluate(async (id) => {
      const response = await fetch(`/sandbox/apps/tally/member?logged_in_customer_id=${id}&customer_id=${id}`);
      return response.json();
    }, RICH);
    expect(forged).toMatchObject({ loggedIn: false });
    const redeem = await page.evaluate(async () => {
      const response = await fetch("/sandbox/apps/tally/redemptions?logged_in_customer_id=901", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ rewardId: "ship", customerId: "901" }),
      });
      return response.status;
    });
    expect(redeem).toBe(401);
  });

  it("no layout shift from the launcher and blocks; script cost measured from a Chrome trace", async () => {
    const fresh = await browser.context.newPage();
    page = fresh;
    const scriptFile = readFileSync("extensions/tally-theme/assets/tally.js");
    const styleFile = readFileSync("extensions/tally-theme/snippets/tally-style.liquid");

    /** One traced load (the launcher opened after the page settles), then five untraced loads. */
    async function measure(query: string, ready: () => Promise<unknown>) {
      await browser.browser.startTracing(page, {
        categories: ["devtools.timeline", "v8.execute", "blink.user_timing"],
      });
      await page.goto(preview(query));
      await ready();
      const vitals = await webVitals(page);
      // What moved, if anything did (for the artifact).
      const shifts = await page.evaluate(
        () =>
          new Promise<{ value: number; nodes: string[] }[]>((resolve) => {
            const found: { value: number; nodes: string[] }[] = [];
            new PerformanceObserver((list) => {
              for (const entry of list.getEntries() as (PerformanceEntry & {
                value: number;
                sources: { node?: Node }[];
              })[]) {
                found.push({
                  value: entry.value,
                  nodes: entry.sources.map(
                    (source) => (source.node as Element | undefined)?.outerHTML?.slice(0, 120) ?? "",
                  ),
                });
              }
            }).observe({ type: "layout-shift", buffered: true });
            setTimeout(() => resolve(found), 100);
          }),
      );
      await openLauncher();
      await launcher().locator("[data-tally-body] h3, [data-tally-body] .tally-balance").first().waitFor();
      const trace = JSON.parse((await browser.browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
      const timeline = await page.evaluate(() => {
        const first = (name: string) => performance.getEntriesByName(name)[0];
        const resource = (suffix: string) => {
          const entry = performance.getEntriesByType("resource").find((e) => e.name.endsWith(suffix)) as
            PerformanceResourceTiming | undefined;
          return (
            entry && { requestStartMs: entry.startTime, responseEndMs: entry.responseEnd, bytes: entry.encodedBodySize }
          );
        };
        const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        return {
          domContentLoadedMs: navigation.domContentLoadedEventEnd,
          loadEventMs: navigation.loadEventEnd,
          /** The page's first GET /apps/tally/member: a block's, or the launcher's when it opened. */
          memberRead: resource("/apps/tally/member"),
          script: resource("/tally.js"),
          bootMs: first("tally:boot")?.duration,
          bootAtMs: first("tally:start")?.startTime,
          blockRenderedAtMs:
            (first("tally:product") ?? first("tally:cart") ?? first("tally:account"))?.startTime ?? null,
          launcherRenderedAtMs: first("tally:launcher")?.startTime,
        };
      });
      const untracedBootMs: number[] = [];
      for (let run = 0; run < 5; run++) {
        await page.reload();
        await ready();
        untracedBootMs.push(await page.evaluate(() => performance.getEntriesByName("tally:boot")[0]!.duration));
      }
      return {
        page: query,
        cls: vitals.cls,
        shifts,
        lcpMs: vitals.lcpMs,
        trace: scriptCost(trace.traceEvents, "/sandbox/assets/tally.js"),
        timeline,
        untracedBootMs,
        traceEvents: trace,
      };
    }

    await page.goto(preview("customer=guest&page=login"));
    const launcherOnly = await measure("page=login", () => page.getByRole("heading", { name: "Sign in" }).waitFor());
    const product = await measure("page=product", () => page.getByText("Earn 89 points with this purchase").waitFor());
    await page.goto(preview(`customer=${RICH}&page=cart`));
    const cart = await measure("page=cart", () =>
      page
        .locator(".tally-cart")
        .getByText(/You have \d+ points\./)
        .waitFor(),
    );
    const account = await measure("page=account", () =>
      page.locator(".tally-account").getByText("Earned on order").waitFor(),
    );

    const scenarios = { launcherOnly, product, cart, account };
    artifact("launcher-cost.json", {
      sizes: {
        script: { file: "assets/tally.js", raw: scriptFile.length, gzip: gzipSync(scriptFile, { level: 9 }).length },
        style: {
          file: "snippets/tally-style.liquid",
          raw: styleFile.length,
          gzip: gzipSync(styleFile, { level: 9 }).length,
        },
      },
      scenarios: Object.fromEntries(
        Object.entries(scenarios).map(([name, { traceEvents: _, ...rest }]) => [name, rest]),
      ),
      note: "Headless Chromium on this 2-core machine, one traced and five untraced loads each: measurements, not assertions. trace.* is main-thread time in the script (evaluation and later calls into it), from Chrome's trace; bootMs is performance.measure('tally:boot') around wiring every block, most of it the first fetch() the browser starts.",
    });
    writeFileSync(path.join(ARTIFACTS, "launcher-trace.json"), JSON.stringify(launcherOnly.traceEvents));
    for (const [name, scenario] of Object.entries(scenarios)) {
      expect(scenario.trace.evaluateScript.count, name).toBe(1);
      expect(scenario.cls, name).toBe(0);
    }
    // The blocks read the App Proxy only once the page has loaded: never before the store's own paint.
    for (const [name, scenario] of Object.entries({ product, cart })) {
      expect(scenario.timeline.memberRead, name).toBeDefined();
      expect(scenario.timeline.memberRead!.requestStartMs, name).toBeGreaterThanOrEqual(scenario.timeline.loadEventMs);
    }
    await fresh.close();
    page = browser.page;
  });

  describe("referrals", () => {
    let code: string;
    beforeAll(async () => {
      await app.configureProgram(SHOP, (program) => {
        program.referrals.enabled = true;
        program.referrals.attributionDays = 14;
      });
      // The member's link, as the App Proxy answers it to them.
      const query = appProxyQuery({ shop: SHOP, customerId: RICH }, TEST_API_SECRET);
      const member = await fetch(`${app.url}/proxy/member?${query}`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
      ({ code } = ((await member.json()) as { referral: { code: string } }).referral);
    });

    it("a friend follows a member's link: the code is kept in a cookie and on the cart, the address cleaned", async () => {
      await page.goto(preview("customer=guest&page=product"));
      const [update] = await Promise.all([
        page.waitForRequest(
          (request) => request.url().endsWith("/sandbox/cart/update.js") && request.method() === "POST",
        ),
        // The App Proxy records the visit and redirects to the store's home page with tally_ref.
        page.goto(`${app.url}/sandbox/apps/tally/r/${code}`),
      ]);
      expect(update.postDataJSON()).toEqual({ attributes: { _tally_ref: code } });
      expect(await app.prisma.referralVisit.count({ where: { code } })).toBe(1);
      await page.waitForFunction(() => location.pathname === "/sandbox/storefront" && location.search === "");
      const cookie = (await browser.context.cookies()).find((c) => c.name === "tally_ref");
      expect(cookie).toMatchObject({ value: code, path: "/", sameSite: "Lax" });
      // The program's attribution window (14 days), learned from GET /apps/tally/member.
      const expires = async () => (await browser.context.cookies()).find((c) => c.name === "tally_ref")!.expires;
      await expect.poll(expires).toBeLessThan(Date.now() / 1000 + 15 * 86400);
      expect(await expires()).toBeGreaterThan(Date.now() / 1000 + 13 * 86400);

      const cart = await page.evaluate(async () => (await fetch("/sandbox/cart.js")).json());
      expect(cart.attributes).toEqual({ _tally_ref: code });
      // Once per session: the next page does not post again.
      const posts: string[] = [];
      page.on("request", (request) => request.url().endsWith("/cart/update.js") && posts.push(request.url()));
      await page.goto(preview("page=cart"));
      await page.getByText(`_tally_ref: ${code}`).waitFor();
      expect(posts).toEqual([]);
      await screenshot("referral-landed");
    });

    it("a member sees their link to share, with what each side gets, and the link works", async () => {
      await browser.context.grantPermissions(["clipboard-read", "clipboard-write"]);
      await page.goto(preview(`customer=${RICH}&page=product`));
      await openLauncher();
      const sheet = launcher().getByRole("dialog").locator("[data-tally-refer]");
      await sheet.getByText("Give friends 10% off on their first order, get 500 points when they buy.").waitFor();
      expect(await sheet.getByRole("heading").textContent()).toBe("Refer a friend");
      const link = sheet.getByRole("textbox", { name: "Your referral link" });
      expect(await link.inputValue()).toBe(`${app.url}/sandbox/apps/tally/r/${code}`);
      expect(await link.getAttribute("readonly")).not.toBeNull();
      await sheet.getByRole("button", { name: "Copy" }).click();
      await expect
        .poll(() => page.evaluate(() => navigator.clipboard.readText()))
        .toBe(`${app.url}/sandbox/apps/tally/r/${code}`);
      // Share only where the browser has a share sheet (not Chromium on Linux).
      const canShare = await page.evaluate(() => "share" in navigator);
      expect(await sheet.getByRole("button", { name: "Share" }).isVisible()).toBe(canShare);
      await screenshot("referral-share-sheet");

      const friend = await browser.context.browser()!.newContext({ userAgent: BROWSER_USER_AGENT });
      try {
        const friendPage = await friend.newPage();
        await friendPage.goto(await link.inputValue());
        await friendPage.waitForFunction(() => /(^|; )tally_ref=/.test(document.cookie));
        expect(friendPage.url()).toBe(`${app.url}/sandbox/storefront`);
      } finally {
        await friend.close();
      }
    });
  });

  it("the sign-in page offers every customer of the shop, members or not", async () => {
    await page.goto(preview("customer=guest&page=login"));
    const customers = page.getByRole("list", { name: "Customers" }).getByRole("listitem");
    expect(await customers.allTextContents()).toEqual([
      "Ava Martin (c901@example.com) — 400 points",
      "Noah Bernard (c902@example.com) — 50 points",
      "Mia Dubois (c903@example.com) — not a member yet",
      "Liam Moreau (c904@example.com) — not a member yet",
      "Zoe Laurent (c905@example.com) — not a member yet",
    ]);
    await screenshot("sign-in-customers");
    await customers.getByRole("link", { name: /Mia Dubois/ }).click();
    await page.getByText(`Signed in as customer ${NEWCOMER}.`, { exact: true }).waitFor();
  });

  it("a member with no points yet is shown how to earn them", async () => {
    await page.goto(preview(`customer=${NEWCOMER}&page=product`));
    await openLauncher();
    const panel = launcher().getByRole("dialog");
    await panel.getByText("0 points", { exact: true }).waitFor();
    await panel.getByRole("heading", { name: "How to earn" }).waitFor();
    expect(await panel.textContent()).toContain("100 points to go");
    await screenshot("newcomer-launcher");
  });

  it("claims an action: the shopper sees it with its link, opens it in a new tab, sees it claimed and the balance up", async () => {
    await app.configureProgram(SHOP, (program) => {
      program.earning.customActions = [
        {
          key: "instagram",
          name: "Follow us on Instagram",
          points: 50,
          limitPerCustomer: 1,
          limitPerDay: null,
          claimable: true,
          url: "https://www.instagram.com/tally-test/",
          verifiedBy: null,
        },
      ];
    });
    // The link's page, offline.
    await page
      .context()
      .route("https://www.instagram.com/**", (route) =>
        route.fulfill({ status: 200, contentType: "text/html", body: "<title>Instagram</title>" }),
      );
    try {
      const before = await balance(MODEST);
      await page.goto(preview(`customer=${MODEST}&page=account`));
      const account = page.locator(".tally-account");
      await account.getByText(`${before} points`, { exact: true }).waitFor();
      const link = account.getByRole("link", { name: "Follow us on Instagram" });
      await link.waitFor();
      expect(await link.getAttribute("href")).toBe("https://www.instagram.com/tally-test/");
      expect(await link.getAttribute("target")).toBe("_blank");
      expect(await account.getByRole("listitem").filter({ hasText: "Instagram" }).textContent()).toContain(
        "+50 points",
      );
      await screenshot("claim-open");
      const [tab] = await Promise.all([page.context().waitForEvent("page"), link.click()]);
      expect(tab.url()).toBe("https://www.instagram.com/tally-test/");
      await tab.close();
      await account.getByText("Claimed · +50 points").waitFor();
      await account.getByText(`${before + 50} points`, { exact: true }).waitFor();
      expect(await account.getByRole("link", { name: "Follow us on Instagram" }).count()).toBe(0);
      expect(await balance(MODEST)).toBe(before + 50);
      await screenshot("claim-claimed");
      // The launcher's panel says so too, on any page.
      await page.goto(preview("page=product"));
      await openLauncher();
      const panel = launcher().getByRole("dialog");
      await panel.getByText("Claimed · +50 points").waitFor();
      expect(await panel.textContent()).toContain(`${before + 50} points`);
    } finally {
      await page.context().unroute("https://www.instagram.com/**");
      await app.configureProgram(SHOP, (program) => void (program.earning.customActions = []));
    }
  });

  it("a code redeemed in the launcher shows once, on one line with its Copy button, in a narrow panel", async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    try {
      await page.goto(preview(`customer=${RICH}&page=product`));
      await openLauncher();
      const panel = launcher().getByRole("dialog");
      const before = await panel.locator(".tally-code").allTextContents();
      await panel.getByRole("button", { name: "Redeem for 100 points" }).click();
      await panel.getByText("Applied to your cart.").waitFor();
      await expect.poll(() => panel.locator(".tally-code").count()).toBe(before.length + 1);
      const code = (await panel.locator(".tally-code").allTextContents()).find((c) => !before.includes(c))!;
      // Once in the panel: under "Your codes", not again in the message.
      expect((await panel.textContent())!.split(code)).toHaveLength(2);
      const row = panel.getByRole("listitem").filter({ hasText: code });
      const codeBox = (await row.locator(".tally-code").boundingBox())!;
      const copyBox = (await row.getByRole("button", { name: "Copy" }).boundingBox())!;
      expect(Math.abs(codeBox.y + codeBox.height / 2 - (copyBox.y + copyBox.height / 2))).toBeLessThan(4);
      expect(copyBox.x).toBeGreaterThan(codeBox.x + codeBox.width);
      await screenshot("launcher-redeemed-narrow");
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it("the cart block keeps no empty space, for a guest or a member", async () => {
    const emptyBelow = async () => {
      const block = page.locator(".tally-cart");
      const blockBox = (await block.boundingBox())!;
      const last = (await block.locator("[data-tally-body] > :last-child").boundingBox())!;
      return blockBox.y + blockBox.height - (last.y + last.height);
    };
    await page.goto(preview("customer=guest&page=cart"));
    await page.locator(".tally-cart").getByText("Sign in to use your points on this order.").waitFor();
    // The block's own padding (16px) and no more.
    expect(await emptyBelow()).toBeLessThan(24);
    await screenshot("cart-guest");
    await page.goto(preview(`customer=${RICH}&page=cart`));
    await page.locator(".tally-cart").getByRole("button", { name: "Use points" }).waitFor();
    expect(await emptyBelow()).toBeLessThan(24);
    await screenshot("cart-member");
  });

  describe("the loyalty page and the announcement bar", () => {
    beforeAll(async () => {
      await app.configureProgram(SHOP, (program) => {
        const start = new Date(Date.now() - 86_400_000).toISOString();
        program.earning.bonusEvents = [
          {
            name: "Double points week",
            multiplier: 2,
            startsAt: start,
            endsAt: "2099-01-01T12:00:00Z",
            tierIds: [],
            segmentId: null,
          },
        ];
        program.tiers.levels = [
          { id: "silver", name: "Silver", threshold: 300, earnMultiplier: 1.5, entryBonusPoints: 100 },
        ];
      });
    });

    it("a guest reads the program, from the shop's metafield, in Liquid: how to earn, rewards, tiers, referrals", async () => {
      // Saving the program wrote the storefront's copy to the shop metafield tally.program.
      const metafield = app.double.shop(SHOP).metafields["gid://shopify/Shop/1"]?.["tally.program"];
      expect(metafield?.type).toBe("json");
      await page.goto(preview("customer=guest&page=rewards"));
      const section = page.locator(".tally-page");
      await section.getByRole("heading", { name: "Our rewards program" }).waitFor();
      const text = (await section.textContent())!.replace(/\s+/g, " ");
      expect(text).toMatch(/Double points week: earn 2× points until January 1, 2099\./);
      expect(text).toMatch(/1 point for every (\$|€)1\.00 spent/);
      expect(text).toMatch(/5 off (\$|€)5\.00 off your order 500 points/);
      expect(text).toContain("Free shipping 100 points");
      expect(text).toContain("Silver from 300 points earned 1.5× points on orders · 100 bonus points on reaching it");
      expect(text).toContain("Give friends 10% off on their first order, get 500 points when they buy.");
      expect(await section.getByRole("link", { name: "Join now" }).getAttribute("href")).toBe(
        "/sandbox/storefront?page=login",
      );
      await section.getByRole("link", { name: "Sign in" }).waitFor();
      // No script for the page: the launcher's is the only one.
      expect(await page.locator("script[src]").evaluateAll((s) => s.map((e) => e.getAttribute("src")))).toEqual([
        "/sandbox/assets/tally.js",
        "/sandbox/assets/tally-ref.js",
      ]);
      await screenshot("loyalty-page-guest");
    });

    it("a member sees that they are signed in, and the launcher links to the page", async () => {
      await page.goto(preview(`customer=${RICH}&page=rewards`));
      const section = page.locator(".tally-page");
      await section.getByText("You're a member").waitFor();
      expect(await section.getByRole("link", { name: "Join now" }).count()).toBe(0);
      expect(await section.getByRole("link", { name: "See your points" }).getAttribute("href")).toBe(
        "/sandbox/storefront?page=account",
      );
      await screenshot("loyalty-page-member");
      await page.goto(preview("page=product"));
      await openLauncher();
      await launcher().getByRole("link", { name: "See the program" }).click();
      await page.waitForURL(/page=rewards/);
    });

    it("the announcement bar is off by default; on, it shows the running bonus event until dismissed", async () => {
      await page.goto(preview("customer=guest&page=product"));
      await page.getByText("Earn 178 points with this purchase").waitFor();
      expect(await page.locator(".tally-bar").count()).toBe(0);

      await page.goto(preview("page=product&launcher.announcement=true"));
      const bar = page.getByRole("region", { name: "Announcement" });
      await bar.getByText("Double points week: earn 2× points until January 1, 2099.").waitFor();
      expect(await bar.getByRole("link", { name: "See the program" }).getAttribute("href")).toBe(
        "/sandbox/storefront?page=rewards",
      );
      expect(await page.evaluate(() => document.querySelector(".tally-bar")!.getBoundingClientRect().top)).toBe(0);
      await screenshot("announcement-bonus");
      await bar.getByRole("button", { name: "Dismiss" }).click();
      await bar.waitFor({ state: "hidden" });
      // Remembered on the next page.
      await page.goto(preview("page=cart&launcher.announcement=true"));
      await page.locator(".tally-cart").getByText("Sign in to use your points on this order.").waitFor();
      expect(await bar.isVisible()).toBe(false);
      // A new announcement (the merchant's own text) shows again.
      await page.goto(
        preview("page=cart&launcher.announcement=true&launcher.announcement_text=New reward: free socks"),
      );
      await page.getByRole("region", { name: "Announcement" }).getByText("New reward: free socks").waitFor();
      await screenshot("announcement-text");
    });
  });

  it("converts points to store credit in the launcher: Shopify credits it, and the page shows the credit", async () => {
    await app.configureProgram(SHOP, (program) =>
      program.rewards.push({
        ...program.rewards[0]!,
        id: "credit",
        name: "Store credit",
        type: "store_credit",
        pointsPerStep: 50,
        amountPerStep: 1,
        minPoints: 50,
        maxPoints: 100,
        creditExpiryDays: null,
      } as (typeof program.rewards)[number]),
    );
    try {
      const before = await balance(MODEST);
      await page.goto(preview(`customer=${MODEST}&page=product`));
      await openLauncher();
      const panel = launcher().getByRole("dialog");
      await panel.getByRole("listitem").filter({ hasText: "Store credit" }).getByRole("button").click();
      await panel.getByText("Done: your points are now store credit").waitFor();
      // One click converts every point the balance allows, in whole steps of 50, up to 100.
      const spent = Math.min(100, before - (before % 50));
      expect(spent).toBeGreaterThan(0);
      expect(before - (await balance(MODEST))).toBe(spent);
      const credits = app.double.shop(SHOP).storeCreditAccounts.filter((account) => account.customerId === MODEST);
      expect(credits.flatMap((account) => account.credits.map((credit) => credit.amount))).toEqual([spent * 2]);
      // Liquid shows the customer's store credit as Shopify holds it.
      await page.reload();
      await openLauncher();
      await panel.getByText(`Your store credit: €${(spent / 50).toFixed(2)}`).waitFor();
      await screenshot("launcher-store-credit");
    } finally {
      await app.configureProgram(SHOP, (program) => {
        program.rewards = program.rewards.filter((reward) => reward.id !== "credit");
      });
    }
  });

  it("?tally=off shows the pages without Tally (what the Lighthouse bench compares); the collection page has the launcher alone", async () => {
    const requested: string[] = [];
    const record = (request: { url(): string }) => requested.push(new URL(request.url()).pathname);
    page.on("request", record);
    try {
      for (const name of ["product", "collection", "cart"]) {
        await page.goto(preview(`customer=${RICH}&page=${name}&tally=off`));
        await page.locator("main h1").waitFor();
        expect(await page.locator(".tally-root").count()).toBe(0);
        expect(await page.getByRole("button", { name: "Rewards" }).count()).toBe(0);
      }
      expect(requested.filter((p) => p.startsWith("/sandbox/assets/") || p.startsWith("/sandbox/apps/"))).toEqual([]);
      await page.goto(preview("page=collection"));
      await page.getByRole("button", { name: "Rewards" }).waitFor();
      expect(await page.locator(".tally-block").count()).toBe(0);
      expect(await page.getByRole("list", { name: "Products" }).getByRole("listitem").count()).toBe(8);
    } finally {
      page.off("request", record);
    }
  });

  it("exists only in the sandbox, and never in production", async () => {
    const paths = ["/sandbox/storefront", "/sandbox/apps/tally/member", "/sandbox/cart.js", "/sandbox/assets/tally.js"];
    const statuses = async () =>
      Promise.all(
        paths.map(
          async (p) => (await fetch(`${app.url}${p}`, { headers: { "User-Agent": BROWSER_USER_AGENT } })).status,
        ),
      );
    expect(await statuses()).toEqual([200, 200, 200, 200]);
    const saved = { ...process.env };
    try {
      delete process.env.TALLY_SANDBOX_SHOP;
      expect(await statuses()).toEqual([404, 404, 404, 404]);
      process.env.TALLY_SANDBOX_SHOP = SHOP;
      process.env.NODE_ENV = "production";
      expect(await statuses()).toEqual([404, 404, 404, 404]);
    } finally {
      process.env.TALLY_SANDBOX_SHOP = saved.TALLY_SANDBOX_SHOP;
      process.env.NODE_ENV = saved.NODE_ENV;
    }
  });
});

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  args?: { data?: { url?: string; functionName?: string } };
}

/**
 * The main-thread time the script costs, from Chrome's trace: its evaluation (EvaluateScript,
 * v8.compile) and every later call into it (FunctionCall: event handlers, promise callbacks).
 */
function scriptCost(events: TraceEvent[], url: string) {
  const ofScript = (e: TraceEvent) => e.args?.data?.url?.endsWith(url) && e.ph === "X";
  const sum = (list: TraceEvent[]) => Math.round(list.reduce((total, e) => total + (e.dur ?? 0), 0)) / 1000;
  const evaluate = events.filter((e) => e.name === "EvaluateScript" && ofScript(e));
  const compile = events.filter((e) => (e.name === "v8.compile" || e.name === "V8.CompileCode") && ofScript(e));
  const calls = events.filter((e) => e.name === "FunctionCall" && ofScript(e));
  return {
    evaluateScript: { count: evaluate.length, ms: sum(evaluate) },
    compile: { count: compile.length, ms: sum(compile) },
    functionCalls: { count: calls.length, ms: sum(calls) },
    totalMainThreadMs: Math.round((sum(evaluate) + sum(calls)) * 1000) / 1000,
  };
}
