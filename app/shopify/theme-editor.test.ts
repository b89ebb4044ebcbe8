import { describe, expect, it } from "vitest";
import { storefrontUrl, themeEmbedActivationUrl } from "./theme-editor";

describe("where the checklist sends the merchant", () => {
  it("opens Shopify's theme editor on the live theme with Tally's app embed switched on, ready to save", () => {
    expect(themeEmbedActivationUrl("shop.myshopify.com", "abc123")).toBe(
      "https://shop.myshopify.com/admin/themes/current/editor?context=apps&activateAppId=abc123%2Ftally-launcher",
    );
  });

  it("in the sandbox, opens its stand-in editor and its storefront preview, on the app's own origin", () => {
    expect(themeEmbedActivationUrl("shop.myshopify.com", "abc123", true)).toBe(
      "/sandbox/theme-editor?context=apps&activateAppId=abc123%2Ftally-launcher",
    );
    expect(storefrontUrl("shop.myshopify.com", true)).toBe("/sandbox/storefront");
    expect(storefrontUrl("shop.myshopify.com", false)).toBe("https://shop.myshopify.com");
  });
});
