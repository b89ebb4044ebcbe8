import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "referral-shop.myshopify.com";
let app: TestApp;
let shopId: string;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  shopId = await app.configureProgram(SHOP, () => {});
});
afterAll(() => app?.close());

const member = async (customerId: number) => (await (await app.proxy("/member", { shop: SHOP, customerId })).json()) as { referral: { path: string } | null };
const visit = (code: string, headers: Record<string, string> = {}, signed = true) =>
  fetch(`${app.url}/proxy/r/${code}?${signed ? appProxyQuery({ shop: SHOP, customerId: null }, TEST_API_SECRET) : `shop=${SHOP}`}`, {
    redirect: "manual",
    headers: { "User-Agent": BROWSER_USER_AGENT, ...headers },
  });

describe("referral links", () => {
  it("with the program off there is no link, and a link lands on the store without a code", async () => {
    expect((await member(501)).referral).toBeNull();
    const response = await visit("ABCD1234");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/");
    expect(await app.prisma.referralVisit.count({ where: { shopId } })).toBe(0);
  });

  it("gives each member one stable code and link once the program is on", async () => {
    await app.configureProgram(SHOP, (program) => void (program.referrals.enabled = true));
    const first = (await member(501)).referral!;
    expect(first.path).toMatch(/^\/apps\/tally\/r\/[0-9A-HJKMNP-TV-Z]{8}$/);
    expect((await member(501)).referral).toEqual(first);
    expect((await member(502)).referral!.path).not.toBe(first.path);
  });

  it("a friend's visit is recorded (the visitor's address only as a keyed hash) and lands with the code", async () => {
    const code = (await member(501)).referral!.path.split("/").pop()!;
    const response = await visit(code.toLowerCase(), { "X-Forwarded-For": "203.0.113.7, 10.0.0.1" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/?tally_ref=${code}`);
    const visits = await app.prisma.referralVisit.findMany({ where: { shopId, code } });
    expect(visits).toHaveLength(1);
    expect(visits[0]!.sourceHash).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(visits)).not.toContain("203.0.113.7");
  });

  it("an unknown code lands on the store without one, and an unsigned request is refused", async () => {
    const unknown = await visit("ZZZZ9999");
    expect(unknown.headers.get("location")).toBe("/");
    expect((await visit("ZZZZ9999", {}, false)).status).toBe(401);
    expect(await app.prisma.referralVisit.count({ where: { shopId, code: "ZZZZ9999" } })).toBe(0);
  });
});
