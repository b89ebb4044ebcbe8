import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload, type FixtureLine } from "./support/webhook-fixtures";

// Amounts are integer minor units of the order's currency, from Shopify's decimal text to the
// ledger: large currencies do not overflow, 0- and 3-decimal currencies score as they should,
// sums of amounts are exact.

const SHOP = "currencies-shop.myshopify.com";
const TIERED = "currencies-tiers.myshopify.com";
let app: TestApp;
const shopIds: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp();
  for (const shop of [SHOP, TIERED]) {
    await app.installShop(shop);
    await app.admin("/api/program", shop);
    shopIds[shop] = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id;
  }
  await app.configureProgram(TIERED, (program) => {
    program.tiers = {
      ...program.tiers,
      metric: "amount_spent",
      levels: [{ id: "gold", name: "Gold", threshold: 800, earnMultiplier: 1, entryBonusPoints: 0 }],
    };
  });
});
afterAll(() => app?.close());
afterEach(async () => {
  for (const shopId of Object.values(shopIds)) expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

const balanceOf = async (shop: string, customerId: number) =>
  Number(
    (
      await app.prisma.member.findUniqueOrThrow({
        where: { shopId_shopifyCustomerId: { shopId: shopIds[shop]!, shopifyCustomerId: String(customerId) } },
      })
    ).balance,
  );
const pay = (shop: string, id: number, customerId: number, currency: string, lines: FixtureLine[]) =>
  app.webhook(
    "orders/paid",
    shop,
    orderPayload("orders/paid", {
      id,
      customer: { id: customerId, email: `c${customerId}@example.com` },
      currency,
      lines,
    }),
  );

describe("large currencies", () => {
  it("awards a 3,000,000,000 VND order once: 3 billion points, past any 32-bit column", async () => {
    const response = await pay(SHOP, 7001, 8001, "VND", [{ price: "30000000.00", quantity: 100 }]);
    expect(response.status).toBe(200);
    expect(await pay(SHOP, 7001, 8001, "VND", [{ price: "30000000.00", quantity: 100 }]).then((r) => r.status)).toBe(
      200,
    );
    expect(await balanceOf(SHOP, 8001)).toBe(3_000_000_000);
    expect(
      await app.prisma.order.findFirstOrThrow({ where: { shopId: shopIds[SHOP], shopifyOrderId: "7001" } }),
    ).toMatchObject({
      currencyCode: "VND",
      eligibleCents: 3_000_000_000,
      pointsEarned: 3_000_000_000,
    });
  });

  it("takes back an IDR refund's share exactly", async () => {
    await pay(SHOP, 7002, 8002, "IDR", [{ price: "45000000.00", lineItemId: 70021 }]);
    expect(await balanceOf(SHOP, 8002)).toBe(45_000_000);
    const refund = refundPayload({
      id: 7102,
      orderId: 7002,
      currency: "IDR",
      lines: [{ lineItemId: 70021, subtotal: "15000000.00" }],
    });
    expect((await app.webhook("refunds/create", SHOP, refund)).status).toBe(200);
    expect(await balanceOf(SHOP, 8002)).toBe(30_000_000);
  });
});

describe("currencies without cents or with three decimals", () => {
  it("scores JPY in whole yen and KWD in fils: 9.999 KWD earns 9 points, not 10", async () => {
    await pay(SHOP, 7003, 8003, "JPY", [{ price: "1000" }]);
    expect(await balanceOf(SHOP, 8003)).toBe(1000);
    await pay(SHOP, 7004, 8004, "KWD", [{ price: "9.999" }]);
    expect(await balanceOf(SHOP, 8004)).toBe(9);
  });
});

describe("amount spent towards a tier", () => {
  it("nine orders totalling exactly 800.00 reach an 800 threshold (a float sum is 799.9999999999999)", async () => {
    for (let i = 0; i < 8; i++) await pay(TIERED, 7100 + i, 8100, "USD", [{ price: "13.04" }]);
    expect(
      (await app.prisma.member.findFirstOrThrow({ where: { shopId: shopIds[TIERED], shopifyCustomerId: "8100" } }))
        .tierId,
    ).toBeNull();
    await pay(TIERED, 7108, 8100, "USD", [{ price: "695.68" }]);
    expect(
      (await app.prisma.member.findFirstOrThrow({ where: { shopId: shopIds[TIERED], shopifyCustomerId: "8100" } }))
        .tierId,
    ).toBe("gold");
  });
});

describe("amounts no real order has", () => {
  it("refuses an order beyond any real amount, or with a negative discount, and writes nothing", async () => {
    expect((await pay(SHOP, 7005, 8005, "USD", [{ price: "1000000000000000.00" }])).status).toBe(400);
    expect((await pay(SHOP, 7006, 8005, "USD", [{ price: "10.00", discount: "-10.00" }])).status).toBe(400);
    expect(await app.prisma.order.count({ where: { shopifyOrderId: { in: ["7005", "7006"] } } })).toBe(0);
    expect(await app.prisma.member.count({ where: { shopifyCustomerId: "8005" } })).toBe(0);
  });
});
