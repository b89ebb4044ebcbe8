import { describe, expect, it } from "vitest";
import { sandboxShop, shopOfSessionToken } from "./session-token.server";

describe("the shop of a session token", () => {
  const admin = { aud: "our-key", iss: "https://a.myshopify.com/admin", dest: "https://a.myshopify.com" };

  it("is the shop of `dest` when the token is for this app and `iss` is the same shop", () => {
    expect(shopOfSessionToken(admin, "our-key")).toBe("a.myshopify.com");
    // Checkout and customer-account tokens name the shop without a scheme and carry no `iss`.
    expect(shopOfSessionToken({ aud: "our-key", dest: "a.myshopify.com" }, "our-key")).toBe("a.myshopify.com");
  });

  it("is none for another app's token, a `dest` that disagrees with `iss`, or a `dest` that is not exactly a shop", () => {
    expect(shopOfSessionToken({ ...admin, aud: "their-key" }, "our-key")).toBeNull();
    expect(shopOfSessionToken({ ...admin, aud: ["our-key"] }, "our-key")).toBeNull();
    expect(shopOfSessionToken({ ...admin, iss: "https://b.myshopify.com/admin" }, "our-key")).toBeNull();
    for (const dest of [
      "https://a.myshopify.com@b.myshopify.com",
      "http://[",
      "http://a.myshopify.com",
      "https://a.myshopify.com:8443",
      "https://a.myshopify.com/x",
      "https://evil.com",
      "",
      42,
    ]) {
      expect([dest, shopOfSessionToken({ ...admin, dest }, "our-key")]).toEqual([dest, null]);
    }
    expect(shopOfSessionToken(admin, "")).toBeNull();
  });
});

describe("the sandbox login", () => {
  it("is on only where a sandbox shop is named", () => {
    expect(sandboxShop({ NODE_ENV: "development", TALLY_SANDBOX_SHOP: "s.myshopify.com" })).toBe("s.myshopify.com");
    expect(sandboxShop({ NODE_ENV: "development" })).toBeNull();
  });

  it("cannot be turned on in production", () => {
    expect(sandboxShop({ NODE_ENV: "production", TALLY_SANDBOX_SHOP: "s.myshopify.com" })).toBeNull();
  });
});
