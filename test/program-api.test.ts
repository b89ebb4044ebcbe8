import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_USER_AGENT } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "program-shop.myshopify.com";
const OTHER = "other-program-shop.myshopify.com";
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  await app.installShop(OTHER);
});
afterAll(() => app?.close());

const put = (shop: string, body: unknown) =>
  app.admin("/api/program", shop, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

describe("GET and PUT /api/program", () => {
  it("a new shop starts with the default program", async () => {
    const response = await app.admin("/api/program", SHOP);
    expect(response.status).toBe(200);
    const { program, revision } = await response.json();
    expect(revision).toBe(0);
    expect(program.earning.order).toMatchObject({
      pointsPerCurrencyUnit: 1,
      rounding: "floor",
      holdDays: 0,
      minimumSubtotal: 0,
    });
    expect(program.earning.signup.points).toBe(0);
    expect(program.expiry).toEqual({ mode: "inactivity", days: 365, remindDaysBefore: [30] });
    expect(program.rewards).toMatchObject([
      { id: "five-off", name: "5 off", type: "fixed_amount", pointsCost: 500, amount: 5, codeLifetimeDays: 30 },
    ]);
  });

  it("replaces the program and bumps the revision; only that shop's program changes", async () => {
    const { program } = await (await app.admin("/api/program", SHOP)).json();
    program.earning.order.pointsPerCurrencyUnit = 2;
    const response = await put(SHOP, { program, revision: 0 });
    expect(response.status).toBe(200);
    expect((await response.json()).revision).toBe(1);
    expect((await (await app.admin("/api/program", SHOP)).json()).program.earning.order.pointsPerCurrencyUnit).toBe(2);
    expect((await (await app.admin("/api/program", OTHER)).json()).program.earning.order.pointsPerCurrencyUnit).toBe(1);
  });

  it("publishes the saved program to the storefront: the shop metafield tally.program the theme's Liquid reads", async () => {
    const { program, revision } = await (await app.admin("/api/program", SHOP)).json();
    program.earning.signup.points = 40;
    expect((await put(SHOP, { program, revision })).status).toBe(200);
    const metafield = app.double.shop(SHOP).metafields["gid://shopify/Shop/1"]!["tally.program"]!;
    expect(metafield.type).toBe("json");
    expect(JSON.parse(metafield.value)).toMatchObject({
      earning: { pointsPerCurrencyUnit: 2, signupPoints: 40 },
      rewards: [{ name: "5 off", type: "fixed_amount", points: 500, amount: 500 }],
    });
    // Nothing reaches the other shop's storefront.
    expect(app.double.shop(OTHER).metafields).toEqual({});
  });

  it("answers 422 with the paths that are wrong, and saves nothing", async () => {
    const { program, revision } = await (await app.admin("/api/program", SHOP)).json();
    program.earning.order.pointsPerCurrencyUnit = -1;
    program.expiry = { mode: "fixed", days: 0 };
    const response = await put(SHOP, { program, revision });
    expect(response.status).toBe(422);
    const { issues } = await response.json();
    expect(issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      "earning.order.pointsPerCurrencyUnit",
      "expiry.days",
    ]);
    expect((await (await app.admin("/api/program", SHOP)).json()).revision).toBe(revision);
  });

  it("refuses a save based on an older revision with 409", async () => {
    const { program } = await (await app.admin("/api/program", SHOP)).json();
    expect((await put(SHOP, { program, revision: 0 })).status).toBe(409);
  });

  it("refuses a program over its bounds (150 product rules × 100 tags is 330 KB, a signup bonus past MAX_POINTS) with 422, and saves nothing", async () => {
    const { program, revision } = await (await app.admin("/api/program", SHOP)).json();
    const rule = (r: number) => ({
      name: "",
      match: { tags: Array.from({ length: 100 }, (_, t) => `collection-tag-${r}-${t}`) },
      multiplier: 2,
    });
    const huge = structuredClone(program);
    huge.earning.order.productRules = Array.from({ length: 150 }, (_, r) => rule(r));
    const refused = await put(SHOP, { program: huge, revision });
    expect(refused.status).toBe(422);
    expect((await refused.json()).issues[0].message).toMatch(/at most 256 KB/);

    const generous = structuredClone(program);
    generous.earning.signup.points = 2_000_000_000;
    const overflowing = await put(SHOP, { program: generous, revision });
    expect(overflowing.status).toBe(422);
    expect((await overflowing.json()).issues).toEqual([expect.objectContaining({ path: "earning.signup.points" })]);
    expect((await (await app.admin("/api/program", SHOP)).json()).revision).toBe(revision);
  });

  it("answers 400 to a body that is not JSON", async () => {
    const response = await app.admin("/api/program", SHOP, { method: "PUT", body: "{oops" });
    expect(response.status).toBe(400);
  });

  it("answers 401 without a session token or with a forged one", async () => {
    const headers = { "User-Agent": BROWSER_USER_AGENT };
    expect((await fetch(`${app.url}/api/program`, { headers, redirect: "manual" })).status).toBe(401);
    const forged = await fetch(`${app.url}/api/program`, {
      headers: { ...headers, Authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.bad" },
      redirect: "manual",
    });
    expect(forged.status).toBe(401);
  });
});
