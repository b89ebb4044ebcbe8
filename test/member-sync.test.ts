import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncMembersToShopify } from "~/jobs/member-sync.server";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

const SHOP = "sync-shop.myshopify.com";
let app: TestApp;
const later = () => new Date(Date.now() + 60_000);

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
});
afterAll(() => app?.close());

const paid = (orderId: number, customerId: number, price: string) =>
  app.webhook(
    "orders/paid",
    SHOP,
    orderPayload("orders/paid", {
      id: orderId,
      customer: { id: customerId, email: `c${customerId}@example.com` },
      lines: [{ price }],
    }),
  );
const metafieldsOf = (customerId: number) => app.double.shop(SHOP).metafields[`gid://shopify/Customer/${customerId}`];

describe("members' points mirrored to Shopify customer metafields", () => {
  it("writes balance, pending and next expiry after a change", async () => {
    await paid(1, 7001, "42.00");
    await syncMembersToShopify(app.prisma, later());
    expect(metafieldsOf(7001)).toMatchObject({
      "$app.points_balance": { type: "number_integer", value: "42" },
      "$app.points_pending": { type: "number_integer", value: "0" },
    });
    expect(JSON.parse(metafieldsOf(7001)!["$app.points_next_expiry"]!.value)).toMatchObject({ points: 42 });
  });

  it("coalesces a burst of changes for one member into one write with the final values", async () => {
    app.double.reset();
    for (let i = 0; i < 5; i++) await paid(10 + i, 7002, "10.00");
    await syncMembersToShopify(app.prisma, later());
    await syncMembersToShopify(app.prisma, later());
    const calls = app.double.callsTo("SetMemberMetafields");
    expect(calls).toHaveLength(1);
    expect(metafieldsOf(7002)!["$app.points_balance"]!.value).toBe("50");
  });

  it("does not write before the coalescing window has passed", async () => {
    app.double.reset();
    await paid(20, 7003, "5.00");
    await syncMembersToShopify(app.prisma, new Date());
    expect(app.double.callsTo("SetMemberMetafields")).toHaveLength(0);
  });

  it("sends at most 25 metafields per call, and rides out THROTTLED", async () => {
    app.double.reset();
    await syncMembersToShopify(app.prisma, later());
    app.double.reset();
    for (let i = 0; i < 20; i++) await paid(100 + i, 7100 + i, "3.00");
    app.double.failNext({ kind: "throttled" }, { operationName: "SetMemberMetafields" });
    await syncMembersToShopify(app.prisma, later(), { sleep: async () => {} });
    const calls = app.double.callsTo("SetMemberMetafields");
    const sizes = calls
      .filter((c) => !(c.response as { errors?: unknown }).errors)
      .map((c) => (c.variables.metafields as unknown[]).length);
    expect(sizes).toEqual([25, 25, 25, 25]);
    for (let i = 0; i < 20; i++) expect(metafieldsOf(7100 + i)!["$app.points_balance"]!.value).toBe("3");
  });
});
