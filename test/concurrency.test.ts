import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { ON_POSTGRES } from "./support/database";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload } from "./support/webhook-fixtures";

const SHOP = "busy-shop.myshopify.com";
let app: TestApp;

describe.skipIf(!ON_POSTGRES)("many deliveries at once for one member", () => {
  beforeAll(async () => {
    app = await startTestApp();
    await app.installShop(SHOP);
  });
  afterAll(() => app?.close());

  it("on PostgreSQL: awards each order once and keeps the cached balance equal to the ledger", async () => {
    const customer = { id: 4242, email: "busy@example.com" };
    const orders = Array.from({ length: 8 }, (_, i) => ({ id: 8000 + i, lineItemId: 88000 + i }));
    const deliveries = orders.flatMap((order) => {
      const paid = orderPayload("orders/paid", {
        id: order.id,
        customer,
        lines: [{ price: "100.00", lineItemId: order.lineItemId }],
      });
      const refund = refundPayload({
        id: 9000 + order.id,
        orderId: order.id,
        lines: [{ lineItemId: order.lineItemId, subtotal: "25.00" }],
      });
      // Each order paid five times under different webhook ids, its refund twice, all at once.
      return [
        ...Array.from({ length: 5 }, () => () => app.webhook("orders/paid", SHOP, paid)),
        ...Array.from({ length: 2 }, () => () => app.webhook("refunds/create", SHOP, refund)),
      ];
    });
    const responses = await Promise.all(deliveries.map((send) => send()));
    expect(responses.map((r) => r.status).every((status) => status === 200)).toBe(true);

    const shop = await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const member = await app.prisma.member.findFirstOrThrow({ where: { shopId: shop.id, shopifyCustomerId: "4242" } });
    expect(Number(member.balance)).toBe(8 * 75);
    expect(await app.prisma.ledgerEntry.count({ where: { memberId: member.id, kind: "earn" } })).toBe(8);
    expect(await app.prisma.member.count({ where: { shopId: shop.id } })).toBe(1);
    expect(await ledgerDiscrepancies(app.prisma, shop.id)).toEqual([]);
  });

  it("on PostgreSQL: 50 redemptions at once for a member whose balance covers 3 issue exactly 3 codes (the rate limit lets 10 try)", async () => {
    const customer = { id: 4343, email: "eager@example.com" };
    await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", { id: 8100, customer, lines: [{ price: "1650.00" }] }),
    );
    const redeem = () =>
      fetch(`${app.url}/proxy/redemptions?${appProxyQuery({ shop: SHOP, customerId: customer.id }, TEST_API_SECRET)}`, {
        method: "POST",
        headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
        body: JSON.stringify({ rewardId: "five-off" }),
      });
    const responses = await Promise.all(Array.from({ length: 50 }, redeem));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);

    const shop = await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const member = await app.prisma.member.findFirstOrThrow({ where: { shopId: shop.id, shopifyCustomerId: "4343" } });
    expect(Number(member.balance)).toBe(150);
    expect(await app.prisma.redemption.count({ where: { memberId: member.id } })).toBe(3);
    expect(app.double.shop(SHOP).discounts).toHaveLength(3);
    expect(await ledgerDiscrepancies(app.prisma, shop.id)).toEqual([]);
  });
});
