import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onboardingState } from "~/loyalty/program/onboarding";
import { BROWSER_USER_AGENT } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "admin-shop.myshopify.com";
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
});
afterAll(() => app?.close());

const browse = (url: string, init: RequestInit = {}) =>
  fetch(url, { redirect: "manual", ...init, headers: { "User-Agent": BROWSER_USER_AGENT, ...init.headers } });

describe("the embedded admin", () => {
  it("reports healthy once the database answers", async () => {
    const response = await browse(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("renders the home page in Polaris for a session token from the Shopify admin", async () => {
    const response = await browse(await app.adminDocumentUrl("/app", SHOP));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Polaris-Page");
    // The shop's name comes from the Admin API (the double), through the gateway.
    expect(html).toContain("Loyalty program for admin-shop");
    expect(html).toContain("prices in EUR");
    expect(app.double.callsTo("ShopDetails")).toHaveLength(1);
  });

  it("checks the published theme once per home page; opening the store counts only while the widget is on", async () => {
    const checks = () => app.double.callsTo("MainThemeSettings").length;
    const before = checks();
    const home = await (await browse(await app.adminDocumentUrl("/app", SHOP))).text();
    expect(home).toContain("The loyalty widget is not enabled yet in your theme “Dawn”");
    expect(checks()).toBe(before + 1);

    const previewed = () =>
      app.admin("/app.data?index", SHOP, { method: "POST", body: new URLSearchParams({ intent: "previewed" }) });
    const onboarding = async () =>
      onboardingState.parse((await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).onboarding);
    await previewed();
    expect((await onboarding()).completed.preview).toBeUndefined();
    app.double.setAppEmbed(SHOP, "on");
    await previewed();
    expect((await onboarding()).completed.preview).toEqual(expect.any(String));
    app.double.setAppEmbed(SHOP, "absent");
  });

  it("answers the app's own data requests with the session token as a Bearer header", async () => {
    const response = await app.admin("/app.data", SHOP);
    expect(response.status).toBe(200);
  });

  it("does not render the app without a session token", async () => {
    const response = await browse(
      `${app.url}/app?embedded=1&shop=${SHOP}&host=${Buffer.from(`admin.shopify.com/store/admin-shop`).toString("base64url")}`,
    );
    expect(response.status).not.toBe(200);
    expect(await response.text()).not.toContain("Loyalty program for");
  });

  it("refuses a session token signed with another secret", async () => {
    const url = new URL(await app.adminDocumentUrl("/app", SHOP));
    const [header, payload] = url.searchParams.get("id_token")!.split(".");
    url.searchParams.set("id_token", `${header}.${payload}.forged-signature`);
    const response = await browse(url.toString());
    expect(response.status).not.toBe(200);
    expect(await response.text()).not.toContain("Loyalty program for");
  });

  it("signs into the sandbox shop without Shopify when the sandbox is on", async () => {
    const login = await browse(`${app.url}/sandbox/login`);
    expect(login.status).toBe(302);
    const page = await browse(new URL(login.headers.get("location")!, app.url).toString());
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Polaris-Page");
  });
});
