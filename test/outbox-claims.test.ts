import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLAIM_LEASE_MS, claimDueTasks, claimTask } from "~/db/outbox-claims.server";
import { deliverOutbox } from "~/jobs/outbox.server";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { ON_POSTGRES } from "./support/database";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

const SHOP = "claims-shop.myshopify.com";
const SHOPPERS = 30;
let app: TestApp;
let shopId: string;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  shopId = await app.configureProgram(SHOP, () => {});
  const rewardId = (await app.prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { program: true } }))
    .program as { rewards: { id: string }[] };
  for (let i = 0; i < SHOPPERS; i++) {
    const customerId = 8000 + i;
    const paid = orderPayload("orders/paid", {
      id: 880_000 + i,
      customer: { id: customerId, email: `c${customerId}@example.com` },
      lines: [{ price: "900.00" }],
    });
    expect((await app.webhook("orders/paid", SHOP, paid)).status).toBe(200);
    const query = appProxyQuery({ shop: SHOP, customerId }, TEST_API_SECRET);
    const redeemed = await fetch(`${app.url}/proxy/redemptions?${query}`, {
      method: "POST",
      headers: {
        "User-Agent": BROWSER_USER_AGENT,
        "Content-Type": "application/json",
        "Idempotency-Key": `claim-key-${i}`,
      },
      body: JSON.stringify({ rewardId: rewardId.rewards[0]!.id }),
    });
    expect(redeemed.status).toBe(201);
  }
});
afterAll(() => app?.close());

describe("outbox workers claim tasks", () => {
  it.skipIf(!ON_POSTGRES)("on PostgreSQL: two workers draining at once create each code once", async () => {
    // As if Shopify had been down when the shoppers redeemed: every code is still to be made.
    await app.prisma.redemption.updateMany({ where: { shopId }, data: { status: "pending", shopifyDiscountId: null } });
    await app.prisma.outboxTask.updateMany({
      where: { shopId, topic: "create_discount" },
      data: { deliveredAt: null, runAt: new Date() },
    });
    app.double.shop(SHOP).discounts = [];
    app.double.reset();
    await Promise.all([
      deliverOutbox(app.prisma, new Date()),
      deliverOutbox(app.prisma, new Date()),
      deliverOutbox(app.prisma, new Date()),
    ]);
    const created = app.double
      .callsTo("CreateBasicCode")
      .map((call) => (call.variables.input as { code: string }).code);
    expect(created).toHaveLength(SHOPPERS);
    expect(new Set(created).size).toBe(SHOPPERS);
    expect(await app.prisma.redemption.count({ where: { shopId, status: "active" } })).toBe(SHOPPERS);
  });

  it("a task whose worker died comes back after the lease, not before; nobody else takes it meanwhile", async () => {
    const task = await app.prisma.outboxTask.create({
      data: { shopId, topic: "create_discount", key: "probe", payload: {} },
    });
    const now = new Date();
    expect(await claimDueTasks(app.prisma, "create_discount", now, 10)).toHaveLength(1);
    // The request that queued a task may take it early, but not from a worker holding it.
    expect(await claimTask(app.prisma, task.id, now, new Date(now.getTime() + 30_000))).toBeNull();
    expect(
      await claimDueTasks(app.prisma, "create_discount", new Date(now.getTime() + CLAIM_LEASE_MS - 1000), 10),
    ).toHaveLength(0);
    expect(
      await claimDueTasks(app.prisma, "create_discount", new Date(now.getTime() + CLAIM_LEASE_MS), 10),
    ).toHaveLength(1);
  });
});
