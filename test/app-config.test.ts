import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_VERSION } from "./support/constants";

const toml = readFileSync("shopify.app.toml", "utf8");
const routes = readdirSync("app/routes");

describe("shopify.app.toml", () => {
  it("pins the Admin API version the code and tests use", () => {
    expect(toml).toMatch(new RegExp(`api_version = "${API_VERSION}"`));
  });

  it("subscribes every webhook to a route that exists, and every webhook route is subscribed", () => {
    const uris = [...toml.matchAll(/uri = "\/webhooks\/([^"]+)"/g)].map((m) => m[1]!);
    const webhookRoutes = routes
      .filter((file) => file.startsWith("webhooks."))
      .map((file) => file.replace(/^webhooks\./, "").replace(/\.tsx$/, "").replace(".", "/"));
    expect(uris.sort()).toEqual(webhookRoutes.sort());
  });

  it("declares the App Proxy at /apps/tally onto the app's /proxy routes", () => {
    expect(toml).toMatch(/\[app_proxy\]\s*\n(?:#.*\n)*url = "\/proxy"\s*\nprefix = "apps"\s*\nsubpath = "tally"/);
  });
});

describe("app-owned customer metafields", () => {
  it("declares every metafield Tally writes, readable on the storefront and in customer accounts", async () => {
    const { memberMetafields } = await import("~/shopify/customer-metafields.server");
    const written = memberMetafields({ customerId: "1", balance: 0, pending: 0, nextExpiry: null, tier: null });
    for (const metafield of written) {
      const key = metafield.key;
      const block = new RegExp(
        `\\[customer\\.metafields\\.app\\.${key}\\]\\s*\\ntype = "${metafield.type}"[\\s\\S]*?access\\.storefront = "public_read"\\s*\\naccess\\.customer_account = "read"`,
      );
      expect(toml, key).toMatch(block);
    }
  });
});
