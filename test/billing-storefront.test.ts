import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishStorefronts } from "~/jobs/outbox.server";
import { POINTS_JOBS } from "~/jobs/points.server";
import { currentSubscription, refreshSubscriptions, requestPlan } from "~/loyalty/billing/billing.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { appProxyQuery, mintSessionToken } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

/**
 * Billing on: until the merchant approves the plan, shoppers meet no program — the theme's copy
 * says it is off, the App Proxy and the extension API show nothing to redeem and refuse to spend —
 * while paid orders go on earning; approved, the same shopper spends what they earned meanwhile;
 * cancelled, the storefront is quiet again.
 */

const SHOP = "billing-storefront.myshopify.com";
const SHOPPER = 7101;
let app: TestApp;
let shop: { id: string; domain: string };

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_BILLING: "on", TALLY_SANDBOX_SHOP: SHOP } });
  await app.installShop(SHOP);
  shop = { id: await app.configureProgram(SHOP, () => {}), domain: SHOP };
});
afterAll(() => app?.close());

/** The program the theme's Liquid reads: the shop metafield tally.program, as the double holds it. */
function storefrontCopy(): { enabled: boolean } | null {
  const metafield = app.double.shop(SHOP).metafields["gid://shopify/Shop/1"]?.["tally.program"];
  return metafield ? (JSON.parse(metafield.value) as { enabled: boolean }) : null;
}

/** The sandbox's storefront preview: the theme extension's Liquid rendered with the double's shop metafields. */
async function previewPage(page: "product" | "cart"): Promise<string> {
  const response = await fetch(`${app.url}/sandbox/storefront?page=${page}`);
  expect(response.status).toBe(200);
  return response.text();
}

const extensionToken = () =>
  mintSessionToken({
    shop: SHOP,
    apiKey: TEST_API_KEY,
    apiSecret: TEST_API_SECRET,
    subject: `gid://shopify/Customer/${SHOPPER}`,
  });

interface MemberAnswer {
  points: { balance: number };
  rewards: { id: string; available: boolean }[];
  program: { enabled: boolean };
}

async function proxyMember(): Promise<MemberAnswer> {
  const response = await app.proxy("/member", { shop: SHOP, customerId: SHOPPER });
  expect(response.status).toBe(200);
  return (await response.json()) as MemberAnswer;
}

async function extensionMember(): Promise<MemberAnswer> {
  const response = await fetch(`${app.url}/api/extension/member`, {
    headers: { Authorization: `Bearer ${await extensionToken()}`, "User-Agent": BROWSER_USER_AGENT },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as MemberAnswer;
}

function proxyRedeem(rewardId: string) {
  return fetch(`${app.url}/proxy/redemptions?${appProxyQuery({ shop: SHOP, customerId: SHOPPER }, TEST_API_SECRET)}`, {
    method: "POST",
    headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
    body: JSON.stringify({ rewardId }),
  });
}

async function extensionRedeem(rewardId: string) {
  return fetch(`${app.url}/api/extension/redemptions`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${await extensionToken()}`,
      "Content-Type": "application/json",
      "User-Agent": BROWSER_USER_AGENT,
    },
    body: JSON.stringify({ rewardId }),
  });
}

async function ledgerPoints(): Promise<number> {
  const sum = await app.prisma.ledgerEntry.aggregate({
    where: { shopId: shop.id, member: { shopifyCustomerId: String(SHOPPER) } },
    _sum: { delta: true },
  });
  return Number(sum._sum.delta ?? 0n);
}

const publish = () => POINTS_JOBS.publish(app.prisma, new Date());

describe("shoppers without an approved plan, then with one", () => {
  let subscriptionId: string;

  it("before approval: the theme's copy says the program is off, and no surface offers or spends anything", async () => {
    // Saving the program wrote the storefront's copy as shoppers may see it: off.
    expect(storefrontCopy()?.enabled).toBe(false);
    // No launcher, no product or cart block: nothing of Tally on the page.
    for (const page of ["product", "cart"] as const) expect(await previewPage(page)).not.toContain("tally-root");

    const paid = orderPayload("orders/paid", {
      id: 910001,
      customer: { id: SHOPPER, email: "shopper@example.com" },
      lines: [{ price: "600.00" }],
    });
    expect((await app.webhook("orders/paid", SHOP, paid)).status).toBe(200);
    // Earning goes on: the points are in the ledger, to be spent once the plan is approved.
    expect(await ledgerPoints()).toBe(600);

    for (const member of [await proxyMember(), await extensionMember()]) {
      expect(member.program.enabled).toBe(false);
      expect(member.rewards.length).toBeGreaterThan(0);
      expect(member.rewards.every((reward) => !reward.available)).toBe(true);
    }
    const rewardId = (await proxyMember()).rewards[0]!.id;
    for (const refused of [await proxyRedeem(rewardId), await extensionRedeem(rewardId)]) {
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(((await refused.json()) as { error: string }).error).toBe("reward_unavailable");
    }
    expect(await ledgerPoints()).toBe(600);
    expect(await app.prisma.redemption.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("approved: the publish job turns the storefront on, and the shopper spends the points earned before", async () => {
    const plan = await requestPlan(app.prisma, shop, "https://tally.test/app/billing", new Date());
    expect(plan.status).toBe("approve");
    subscriptionId = (await currentSubscription(app.prisma, shop.id))!.id;
    app.double.answerConfirmation(SHOP, subscriptionId, true);
    await refreshSubscriptions(app.prisma, shop, new Date());

    // The storefront's copy changes only when the outbox delivers it (never in a request).
    expect(storefrontCopy()?.enabled).toBe(false);
    expect(await publish()).toMatchObject({ job: "publish", processed: 1 });
    expect(storefrontCopy()?.enabled).toBe(true);
    expect(await previewPage("product")).toContain('data-tally="launcher"');
    expect(await previewPage("cart")).toContain("tally-cart");
    // Delivered once: the next pass has nothing to do.
    expect(await publish()).toMatchObject({ processed: 0 });

    for (const member of [await proxyMember(), await extensionMember()]) {
      expect(member.program.enabled).toBe(true);
      expect(member.points.balance).toBe(600);
      expect(member.rewards.some((reward) => reward.available)).toBe(true);
    }
    const reward = (await proxyMember()).rewards.find((r) => r.available)!;
    const redeemed = await proxyRedeem(reward.id);
    expect(redeemed.status).toBe(201);
    expect((await proxyMember()).points.balance).toBeLessThan(600);
    expect(await ledgerDiscrepancies(app.prisma, shop.id)).toEqual([]);
  });

  it("cancelled (app_subscriptions/update): the storefront is quiet again", async () => {
    const update = { app_subscription: { admin_graphql_api_id: subscriptionId, status: "CANCELLED" } };
    expect((await app.webhook("app_subscriptions/update", SHOP, update)).status).toBe(200);

    expect((await proxyMember()).program.enabled).toBe(false);
    expect((await extensionMember()).program.enabled).toBe(false);
    expect(await publish()).toMatchObject({ processed: 1 });
    expect(storefrontCopy()?.enabled).toBe(false);
    expect(await previewPage("product")).not.toContain("tally-root");
  });

  it("a save while the plan is off keeps the storefront's copy off", async () => {
    await app.configureProgram(SHOP, (program) => {
      program.earning.signup.points = 25;
    });
    expect(storefrontCopy()).toMatchObject({ enabled: false, earning: { signupPoints: 25 } });
  });

  it("a publication Shopify cannot take now is tried again later, then written", async () => {
    await app.prisma.outboxTask.create({
      data: { shopId: shop.id, topic: "publish_storefront", key: "publish-storefront:retry", payload: {} },
    });
    app.double.failNext({ kind: "http", status: 503 }, { operationName: "SetStorefrontProgram" });
    expect(await publishStorefronts(app.prisma, new Date(), { maxAttempts: 1 })).toMatchObject({ processed: 0 });
    const task = await app.prisma.outboxTask.findFirstOrThrow({ where: { key: "publish-storefront:retry" } });
    expect(task).toMatchObject({ attempts: 1, deliveredAt: null });
    expect(task.runAt.getTime()).toBeGreaterThan(Date.now());

    expect(await publishStorefronts(app.prisma, task.runAt, { maxAttempts: 1 })).toMatchObject({ processed: 1 });
    expect(await app.prisma.outboxTask.findFirstOrThrow({ where: { id: task.id } })).toMatchObject({
      attempts: 2,
      deliveredAt: task.runAt,
    });
  });
});
