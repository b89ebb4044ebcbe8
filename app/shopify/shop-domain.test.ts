import { describe, expect, it } from "vitest";
import { isShopDomain } from "./shop-domain";

describe("isShopDomain", () => {
  it("accepts <name>.myshopify.com only", () => {
    expect(isShopDomain("tally-demo.myshopify.com", "")).toBe(true);
    for (const bad of [
      "evil.com",
      "a.myshopify.com.evil.com",
      "a.myshopify.com@b.myshopify.com",
      "A.myshopify.com",
      ".myshopify.com",
      "a b.myshopify.com",
      "",
    ]) {
      expect(isShopDomain(bad, ""), bad).toBe(false);
    }
  });

  it("accepts the one extra suffix SHOP_CUSTOM_DOMAIN names", () => {
    expect(isShopDomain("store.shop.dev", "shop\\.dev")).toBe(true);
    expect(isShopDomain("store.shop.dev", "")).toBe(false);
  });
});
