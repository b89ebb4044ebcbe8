import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "proxy-shop.myshopify.com";
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
});
afterAll(() => app?.close());

describe("storefront requests through the App Proxy", () => {
  it("answers a signed request for a signed-in shopper with that shopper only", async () => {
    const response = await app.proxy("/status", { shop: SHOP, customerId: 7001 });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ shop: SHOP, customer: { id: "7001" } });
  });

  it("treats an empty logged_in_customer_id as a guest", async () => {
    const response = await app.proxy("/status", { shop: SHOP, customerId: null });
    expect(await response.json()).toEqual({ shop: SHOP, customer: null });
  });

  it("refuses a request whose customer id was changed after signing", async () => {
    const query = appProxyQuery({ shop: SHOP, customerId: 7001 }, TEST_API_SECRET);
    query.set("logged_in_customer_id", "7002");
    const response = await fetch(`${app.url}/proxy/status?${query}`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    expect(response.status).toBe(401);
  });

  it("refuses a request signed with another app's secret", async () => {
    const query = appProxyQuery({ shop: SHOP, customerId: 7001 }, "someone-elses-secret");
    const response = await fetch(`${app.url}/proxy/status?${query}`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    expect(response.status).toBe(401);
  });

  it("refuses an unsigned request and a replay older than Shopify's tolerance", async () => {
    const unsigned = await fetch(`${app.url}/proxy/status?shop=${SHOP}&logged_in_customer_id=7001`, {
      headers: { "User-Agent": BROWSER_USER_AGENT },
    });
    expect(unsigned.status).toBe(401);
    const stale = await app.proxy("/status", {
      shop: SHOP,
      customerId: 7001,
      timestamp: new Date(Date.now() - 10 * 60_000),
    });
    expect(stale.status).toBe(401);
  });

  it("answers 404 for a shop that has not installed Tally, and creates nothing for it", async () => {
    const response = await app.proxy("/status", { shop: "stranger.myshopify.com", customerId: 1 });
    expect(response.status).toBe(404);
    expect(await app.prisma.shop.findUnique({ where: { domain: "stranger.myshopify.com" } })).toBeNull();
  });

  it("creates the shop's own record on first use by an installed shop", async () => {
    expect(await app.prisma.shop.findUnique({ where: { domain: SHOP } })).toMatchObject({ status: "installed" });
  });
});
