import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxRoutes } from "../sandbox/routes";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "methods-shop.myshopify.com";
let app: TestApp;
let build: ServerBuild;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  // The same module the app runs (imported once): its routes, and the sandbox's beside them
  // (test/support/test-app.ts serves both), are the ones to sweep.
  const built = (await import(pathToFileURL(path.resolve("build/server/index.js")).href)) as ServerBuild;
  build = { ...built, routes: { ...built.routes, ...sandboxRoutes(built) } };
});
afterAll(() => app?.close());

/** Every route of the build as a URL (its parameters filled in), with its parents' segments. */
function routeUrls(): { id: string; url: string }[] {
  const full = (id: string): string => {
    const route = build.routes[id]!;
    const parent = route.parentId ? full(route.parentId) : "";
    return [parent, route.path ?? ""].filter(Boolean).join("/");
  };
  return (
    Object.keys(build.routes)
      // The sandbox's App Proxy exists only in the sandbox, and forwards to /proxy/* (swept here too).
      .filter((id) => id !== "root" && id !== "sandbox/apps/tally/*")
      .map((id) => ({
        id,
        url: `/${full(id)}`.replace(/:\w+/g, "1").replace(/\*$/, "x") + (build.routes[id]!.index ? "?index" : ""),
      }))
  );
}

const signedProxyQuery = () => appProxyQuery({ shop: SHOP, customerId: 7001 }, TEST_API_SECRET);

describe("methods a route does not serve", () => {
  it("every route answers PATCH and DELETE with 405 and the methods it does serve", async () => {
    const answers = [];
    for (const { id, url } of routeUrls()) {
      for (const method of ["PATCH", "DELETE"]) {
        const response = await fetch(`${app.url}${url}`, { method, redirect: "manual" });
        answers.push({ id, method, status: response.status, allow: response.headers.get("allow") });
      }
    }
    const refused = answers.filter((answer) => answer.status !== 405 || !answer.allow);
    expect(refused).toEqual([]);
    expect(answers.length).toBeGreaterThan(80);
  });

  it("a GET on a POST-only storefront route is a 405 naming POST, not a server error", async () => {
    const response = await fetch(`${app.url}/proxy/redemptions?${signedProxyQuery()}`, {
      headers: { "User-Agent": BROWSER_USER_AGENT },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.json()).toEqual({ error: "method_not_allowed" });
  });

  it("a POST on a read-only route is a 405 naming GET and HEAD", async () => {
    for (const url of [`/proxy/member?${signedProxyQuery()}`, "/healthz", "/api/extension/member", "/app/members"]) {
      const response = await fetch(`${app.url}${url}`, { method: "POST", redirect: "manual" });
      expect([url, response.status]).toEqual([url, 405]);
      expect(response.headers.get("allow")).toMatch(/^GET, (OPTIONS, )?HEAD$/);
    }
  });

  it("a GET on a webhook, an admin API action or the Flow callback is a 405 naming what it takes", async () => {
    for (const [url, allow] of [
      ["/webhooks/orders/paid", "POST"],
      ["/api/actions", "POST"],
      ["/api/members/1/adjustments", "POST"],
      ["/flow/lifecycle", "POST"],
      ["/flow/actions/tally-award-points", "POST"],
    ]) {
      const response = await fetch(`${app.url}${url}`);
      expect([url, response.status, response.headers.get("allow")]).toEqual([url, 405, allow]);
    }
  });
});

describe("paths that cannot be decoded", () => {
  it("answers 400 in JSON, not an HTML URIError", async () => {
    for (const url of [`/proxy/r/%FF?${signedProxyQuery()}`, "/proxy/member/%E0%A4%A"]) {
      const response = await fetch(`${app.url}${url}`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: "malformed_path" });
    }
    expect(await app.prisma.referralVisit.count()).toBe(0);
  });
});
