import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, webhookPayload } from "./support/webhook-fixtures";

const SHOP = "customers-shop.myshopify.com";
let app: TestApp;
let shopId: string;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  shopId = (await app.prisma.shop.upsert({ where: { domain: SHOP }, create: { domain: SHOP }, update: {} })).id;
  // A program with a signup bonus.
  const response = await app.admin("/api/program", SHOP);
  const { program, revision } = await response.json();
  program.earning.signup.points = 50;
  await app.admin("/api/program", SHOP, {
    method: "PUT",
    body: JSON.stringify({ program, revision }),
    headers: { "Content-Type": "application/json" },
  });
});
afterAll(() => app?.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

const customerPayload = (topic: string, id: number, email: string) =>
  webhookPayload(topic, {
    id,
    email,
    first_name: "Gia",
    last_name: "Rossi",
    admin_graphql_api_id: `gid://shopify/Customer/${id}`,
  });
const memberOf = (customerId: number) =>
  app.prisma.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(customerId) } },
  });

describe("customers", () => {
  it("a new customer joins with the signup bonus, once", async () => {
    const payload = customerPayload("customers/create", 3001, "gia@example.com");
    await app.webhook("customers/create", SHOP, payload);
    await app.webhook("customers/create", SHOP, payload);
    expect(await memberOf(3001)).toMatchObject({ balance: 50, email: "gia@example.com", firstName: "Gia" });
  });

  it("a guest's paid order is awarded when the guest becomes a customer with the same email", async () => {
    await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", {
        id: 7001,
        customer: null,
        email: "guest@example.com",
        lines: [{ price: "64.00" }],
      }),
    );
    expect(await app.prisma.order.findFirst({ where: { shopifyOrderId: "7001" } })).toMatchObject({
      memberId: null,
      pointsEarned: 64,
    });
    await app.webhook("customers/create", SHOP, customerPayload("customers/create", 3002, "guest@example.com"));
    expect(Number((await memberOf(3002))?.balance)).toBe(50 + 64);
  });

  it("keeps the email and name up to date without a second signup bonus", async () => {
    await app.webhook("customers/update", SHOP, customerPayload("customers/update", 3001, "gia.rossi@example.com"));
    expect(await memberOf(3001)).toMatchObject({ balance: 50, email: "gia.rossi@example.com" });
  });

  it("a merge moves the deleted customer's points and orders to the kept customer", async () => {
    await app.webhook("customers/create", SHOP, customerPayload("customers/create", 3003, "one@example.com"));
    await app.webhook(
      "orders/paid",
      SHOP,
      orderPayload("orders/paid", {
        id: 7002,
        customer: { id: 3004, email: "two@example.com" },
        lines: [{ price: "30.00" }],
      }),
    );
    const merge = webhookPayload("customers/merge", {
      admin_graphql_api_customer_kept_id: "gid://shopify/Customer/3003",
      admin_graphql_api_customer_deleted_id: "gid://shopify/Customer/3004",
      status: "completed",
      errors: [],
    });
    await app.webhook("customers/merge", SHOP, merge);
    await app.webhook("customers/merge", SHOP, merge);
    expect(Number((await memberOf(3003))?.balance)).toBe(50 + 30);
    expect(await memberOf(3004)).toBeNull();
    expect(await app.prisma.order.findFirst({ where: { shopifyOrderId: "7002" } })).toMatchObject({
      shopifyCustomerId: "3003",
    });
  });

  it("a deleted customer's member record forgets who they were", async () => {
    await app.webhook(
      "customers/delete",
      SHOP,
      webhookPayload("customers/delete", { id: 3001, admin_graphql_api_id: "gid://shopify/Customer/3001" }),
    );
    expect(await memberOf(3001)).toBeNull();
    expect(await app.prisma.member.count({ where: { shopId, email: "gia.rossi@example.com" } })).toBe(0);
  });
});
