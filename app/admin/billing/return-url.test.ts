import { describe, expect, it } from "vitest";
import { billingReturnUrl } from "./return-url";

describe("where Shopify sends the merchant back after approving the plan", () => {
  it("is the embedded app's billing page in the Shopify admin", () => {
    expect(
      billingReturnUrl({
        appUrl: "https://tally.example.com",
        apiKey: "abc123",
        shop: "demo.myshopify.com",
        sandbox: false,
      }),
    ).toBe("https://demo.myshopify.com/admin/apps/abc123/app/billing");
  });

  it("is the sandbox's login, which signs the merchant back in to the billing page", () => {
    expect(
      billingReturnUrl({
        appUrl: "http://localhost:3000/",
        apiKey: "abc123",
        shop: "demo.myshopify.com",
        sandbox: true,
      }),
    ).toBe("http://localhost:3000/sandbox/login?to=/app/billing");
  });
});
