import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POINTS_JOBS } from "~/jobs/points.server";
import { syncReferralOffers } from "~/jobs/referral-offers.server";
import { appProxyQuery } from "../sandbox/signing";
import { orderPayload } from "./support/webhook-fixtures";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "referral-shop.myshopify.com";
let app: TestApp;
let shopId: string;

beforeAll(async () => {
  // As deployed behind Shopify's App Proxy and one load balancer: both append to X-Forwarded-For.
  app = await startTestApp({ env: { TALLY_TRUSTED_PROXY_HOPS: "2" } });
  await app.installShop(SHOP);
  shopId = await app.configureProgram(SHOP, () => {});
});
afterAll(() => app?.close());

const member = async (customerId: number) =>
  (await (await app.proxy("/member", { shop: SHOP, customerId })).json()) as {
    referral: { code: string; path: string } | null;
  };
const runReferralsJob = (at = new Date()) => POINTS_JOBS.referrals(app.prisma, at);
const discountsInShopify = () => app.double.shop(SHOP).discounts;
const visit = (code: string, headers: Record<string, string> = {}, signed = true) =>
  fetch(
    `${app.url}/proxy/r/${code}?${signed ? appProxyQuery({ shop: SHOP, customerId: null }, TEST_API_SECRET) : `shop=${SHOP}`}`,
    {
      redirect: "manual",
      headers: { "User-Agent": BROWSER_USER_AGENT, ...headers },
    },
  );

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

  it("allows 30 visits per source address in 10 minutes: then a 429 with Retry-After and no visit written, however the first hop is forged", async () => {
    const code = (await member(501)).referral!.path.split("/").pop()!;
    const visits = () => app.prisma.referralVisit.count({ where: { shopId, code } });
    const before = await visits();
    for (let i = 0; i < 30; i++)
      expect((await visit(code, { "X-Forwarded-For": "198.51.100.9, 10.0.0.1" })).status).toBe(302);
    for (const forwardedFor of ["198.51.100.9, 10.0.0.1", `198.51.100.${Date.now() % 200}, 198.51.100.9, 10.0.0.1`]) {
      const limited = await visit(code, { "X-Forwarded-For": forwardedFor });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(600);
    }
    expect(await visits()).toBe(before + 30);
    expect((await visit(code, { "X-Forwarded-For": "198.51.100.10, 10.0.0.1" })).status).toBe(302);
  });

  it("an unknown code lands on the store without one, and an unsigned request is refused", async () => {
    const unknown = await visit("ZZZZ9999");
    expect(unknown.headers.get("location")).toBe("/");
    expect((await visit("ZZZZ9999", {}, false)).status).toBe(401);
    expect(await app.prisma.referralVisit.count({ where: { shopId, code: "ZZZZ9999" } })).toBe(0);
  });

  it("the friend's offer becomes a Shopify code for new customers only, and the link applies it", async () => {
    const { code } = (await member(501)).referral!;
    await runReferralsJob();
    const segments = app.double.shop(SHOP).segments;
    expect(segments).toEqual([expect.objectContaining({ query: "number_of_orders = 0" })]);
    const offer = discountsInShopify().find((discount) => discount.code === code)!;
    expect(offer.kind).toBe("basic");
    expect(offer.input).toMatchObject({
      context: { customerSegments: { add: [segments[0]!.id] } },
      appliesOncePerCustomer: true,
      customerGets: { value: { percentage: 0.1 }, items: { all: true } },
    });
    expect(offer.input).not.toHaveProperty("endsAt");
    const response = await visit(code);
    expect(response.headers.get("location")).toBe(
      `/discount/${code}?redirect=${encodeURIComponent(`/?tally_ref=${code}`)}`,
    );
    // A second pass changes nothing in Shopify.
    const calls = app.double.callsTo("CreateRefereeCode").length;
    await runReferralsJob();
    expect(app.double.callsTo("CreateRefereeCode")).toHaveLength(calls);
    expect(app.double.callsTo("CreateSegment")).toHaveLength(1);
  });

  it("a new offer replaces every referrer's code; turning referrals off removes them", async () => {
    const { code } = (await member(501)).referral!;
    await app.configureProgram(SHOP, (program) => void (program.referrals.refereeReward = { type: "free_shipping" }));
    // Until the job has run, the link does not promise the old offer.
    expect((await visit(code)).headers.get("location")).toBe(`/?tally_ref=${code}`);
    await runReferralsJob();
    const offers = discountsInShopify().filter((discount) => discount.code === code);
    expect(offers.map((discount) => discount.kind)).toEqual(["free_shipping"]);
    expect(
      discountsInShopify()
        .map((discount) => discount.code)
        .sort(),
    ).toEqual([code, (await member(502)).referral!.code].sort());

    await app.configureProgram(SHOP, (program) => void (program.referrals.enabled = false));
    await runReferralsJob();
    expect(discountsInShopify()).toEqual([]);
    expect(await app.prisma.member.count({ where: { shopId, refereeDiscountId: { not: null } } })).toBe(0);
    await app.configureProgram(SHOP, (program) => void (program.referrals.enabled = true));
  });

  it("a code Shopify refuses is not retried every minute; one Shopify could not make now is", async () => {
    const { code } = (await member(503)).referral!;
    app.double.failNext({ kind: "http", status: 503 }, { operationName: "CreateRefereeShippingCode", times: 2 });
    await syncReferralOffers(app.prisma, new Date(), { sleep: async () => {}, maxAttempts: 2 });
    expect(discountsInShopify().some((discount) => discount.code === code)).toBe(false);
    await runReferralsJob();
    expect(discountsInShopify().some((discount) => discount.code === code)).toBe(true);

    const other = (await member(504)).referral!.code;
    app.double.failNext(
      { kind: "userErrors", userErrors: [{ field: ["code"], message: "Code is invalid", code: "INVALID" }] },
      { operationName: "CreateRefereeShippingCode" },
    );
    await runReferralsJob();
    await runReferralsJob();
    expect(discountsInShopify().some((discount) => discount.code === other)).toBe(false);
    expect(
      app.double
        .callsTo("CreateRefereeShippingCode")
        .filter((call) => (call.variables.input as { code: string }).code === other),
    ).toHaveLength(1);
  });

  it("a reward from the catalog as the referrer's prize: a code that cost no points, once", async () => {
    await app.configureProgram(SHOP, (program) => {
      program.referrals = {
        ...program.referrals,
        holdDays: 0,
        referrerReward: { type: "reward", rewardId: program.rewards[0]!.id },
      };
    });
    const { code } = (await member(501)).referral!;
    const friendOrder = orderPayload("orders/paid", {
      id: 66001,
      customer: { id: 601, email: "friend@example.com" },
      lines: [{ price: "40.00" }],
    }) as Record<string, unknown>;
    friendOrder.note_attributes = [{ name: "_tally_ref", value: code }];
    expect((await app.webhook("orders/paid", SHOP, friendOrder)).status).toBe(200);
    await runReferralsJob(new Date(Date.now() + 60_000));
    await runReferralsJob(new Date(Date.now() + 120_000));
    const referral = await app.prisma.referral.findFirstOrThrow({ where: { shopId, refereeCustomerId: "601" } });
    expect(referral).toMatchObject({ status: "rewarded", redemptionId: expect.any(String) });
    const prizes = await app.prisma.redemption.findMany({
      where: { shopId, requestKey: `referral:${referral.id}:prize` },
    });
    expect(prizes).toMatchObject([{ pointsSpent: 0, status: "pending" }]);
    await POINTS_JOBS.outbox(app.prisma, new Date());
    expect(await app.prisma.redemption.findUniqueOrThrow({ where: { id: prizes[0]!.id } })).toMatchObject({
      status: "active",
    });
    expect(discountsInShopify().some((discount) => discount.code === prizes[0]!.code)).toBe(true);
    const referrer = await app.prisma.member.findUniqueOrThrow({ where: { id: referral.referrerId } });
    expect(Number(referrer.balance)).toBe(0);
  });
});
