import { describe, expect, it } from "vitest";
import { sandboxShop } from "./session-token.server";

describe("the sandbox login", () => {
  it("is on only where a sandbox shop is named", () => {
    expect(sandboxShop({ NODE_ENV: "development", TALLY_SANDBOX_SHOP: "s.myshopify.com" })).toBe("s.myshopify.com");
    expect(sandboxShop({ NODE_ENV: "development" })).toBeNull();
  });

  it("cannot be turned on in production", () => {
    expect(sandboxShop({ NODE_ENV: "production", TALLY_SANDBOX_SHOP: "s.myshopify.com" })).toBeNull();
  });
});
