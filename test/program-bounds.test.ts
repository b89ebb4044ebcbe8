import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_MATCH_VALUES, MAX_PRODUCT_RULES } from "~/loyalty/program/program";
import { signAppProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";

// Issue 15: a 7 MB program (5,000 product rules × 100 tags) was saved and sent whole to every
// storefront read. Bounded, and the storefront gets only what it shows.
const SHOP = "bounded-program-shop.myshopify.com";
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
});
afterAll(() => app?.close());

describe("a program at its bounds", () => {
  it("saves, and the storefront answers with a small payload that holds no product rules", async () => {
    await app.configureProgram(SHOP, (program) => {
      program.earning.order.productRules = Array.from({ length: MAX_PRODUCT_RULES }, (_, r) => ({
        name: `Rule ${r}`,
        match: {
          productIds: [],
          collectionIds: [],
          tags: Array.from({ length: MAX_MATCH_VALUES / 2 }, (_, t) => `t${r}-${t}`),
          productTypes: [],
        },
        multiplier: r === 150 ? 3 : 2,
      }));
    });
    const stored = await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP }, select: { program: true } });
    expect(JSON.stringify(stored.program).length).toBeGreaterThan(100_000);

    for (const customerId of [null, 9001]) {
      const response = await app.proxy("/member", { shop: SHOP, customerId });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).not.toContain("productRules");
      expect(text).not.toContain("t150-");
      expect(text.length).toBeLessThan(5_000);
    }
  });

  it("tells the product block one product's multiplier, as an order line would earn", async () => {
    // Signed as Shopify's App Proxy signs a storefront request, repeated parameters included.
    const ask = (params: Record<string, string | string[]>) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const query = signAppProxyQuery(
        { ...params, shop: SHOP, logged_in_customer_id: "", path_prefix: "/apps/tally", timestamp },
        TEST_API_SECRET,
      );
      return fetch(`${app.url}/proxy/product-multiplier?${query}`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    };
    const multiplier = async (params: Record<string, string | string[]>) => {
      const response = await ask(params);
      expect(response.status).toBe(200);
      return (await response.json()).multiplier;
    };
    expect(await multiplier({ product_id: "1", tag: ["T150-7", "other"] })).toBe(3);
    expect(await multiplier({ product_id: "1", tag: "t3-0" })).toBe(2);
    expect(await multiplier({ product_id: "1", tag: "unrelated", collection: "4410" })).toBe(1);
    expect((await ask({ product_id: "1.5" })).status).toBe(400);
  });
});
