import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { previewImport } from "~/loyalty/members/import.server";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, webhookPayload } from "./support/webhook-fixtures";

// After customers/redact nothing Tally stores may identify the shopper: not their profile, and
// not a key, a source id, a Flow event, an import's file name or a compliance record that embeds
// their customer id, email, name or phone.
const SHOP = "privacy-scan-shop.myshopify.com";
const CUSTOMER_ID = 7700123456;
const EMAIL = "zelda.quist@example.com";
const PHONE = "+33699887766";
const IDENTIFIERS = [String(CUSTOMER_ID), EMAIL, "zelda", "quist", "699887766"];
let app: TestApp;
let shopId: string;

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.earning.signup.points = 1_000;
    program.earning.customActions = [
      {
        key: "review",
        name: "Write a review",
        points: 10,
        limitPerCustomer: 5,
        limitPerDay: null,
        claimable: false,
        url: null,
        verifiedBy: null,
      },
    ];
  });
  // A Flow workflow listens for points earned: every earning queues an event for the member.
  await app.prisma.shop.update({ where: { id: shopId }, data: { flowTriggersEnabled: ["tally-points-earned"] } });
});
afterAll(() => app?.close());

/** Every text, JSON and array column of every table, searched for each identifier. */
async function findIdentifiers(): Promise<string[]> {
  const columns = await app.prisma.$queryRawUnsafe<{ table_name: string; column_name: string }[]>(
    `SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'
        AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`,
  );
  expect(columns.length).toBeGreaterThan(40);
  const hits: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    for (const needle of IDENTIFIERS) {
      const rows = await app.prisma.$queryRawUnsafe<{ value: string }[]>(
        `SELECT "${column}"::text AS value FROM "${table}" WHERE "${column}"::text ILIKE $1`,
        `%${needle}%`,
      );
      for (const row of rows) hits.push(`${table}.${column} has "${needle}": ${row.value.slice(0, 200)}`);
    }
  }
  return hits;
}

const signed = (path: string) =>
  `${app.url}/proxy${path}?${appProxyQuery({ shop: SHOP, customerId: CUSTOMER_ID }, TEST_API_SECRET)}`;
const adminPost = (path: string, body: unknown) =>
  app.admin(path, SHOP, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

describe("privacy scan after customers/redact", () => {
  it("finds the shopper's customer id, email, name and phone nowhere in the database", async () => {
    const customer = {
      id: CUSTOMER_ID,
      email: EMAIL,
      first_name: "Zelda",
      last_name: "Quist",
      phone: PHONE,
      admin_graphql_api_id: `gid://shopify/Customer/${CUSTOMER_ID}`,
    };
    expect((await app.webhook("customers/create", SHOP, webhookPayload("customers/create", customer))).status).toBe(
      200,
    );
    const paid = orderPayload("orders/paid", {
      id: 880001,
      customer: { id: CUSTOMER_ID, email: EMAIL },
      lines: [{ price: "50.00" }],
    });
    expect((await app.webhook("orders/paid", SHOP, paid)).status).toBe(200);
    // A guest checkout with the same email, which customers/redact does not name.
    const guest = orderPayload("orders/paid", {
      id: 880002,
      customer: null,
      email: EMAIL,
      lines: [{ price: "20.00" }],
    });
    expect((await app.webhook("orders/paid", SHOP, guest)).status).toBe(200);
    expect(
      (await adminPost("/api/actions", { customerId: String(CUSTOMER_ID), action: "review", eventId: "review-1" }))
        .status,
    ).toBe(201);
    expect(
      (
        await adminPost(`/api/members/${CUSTOMER_ID}/adjustments`, {
          points: 5,
          reason: "Goodwill for Zelda Quist",
          idempotencyKey: "goodwill-1",
        })
      ).status,
    ).toBe(201);
    const redeemed = await fetch(signed("/redemptions"), {
      method: "POST",
      headers: {
        "User-Agent": BROWSER_USER_AGENT,
        "Content-Type": "application/json",
        "Idempotency-Key": "cart-redeem-1",
      },
      body: JSON.stringify({ rewardId: "five-off" }),
    });
    expect(redeemed.status).toBe(201);
    const imported = await previewImport(
      app.prisma,
      { id: shopId },
      { csv: `email,points\n${EMAIL},5\n`, fileName: "Zelda Quist points.csv", staffId: null },
    );
    expect(imported.ok).toBe(true);
    const dataRequest = webhookPayload("customers/data_request", {
      shop_domain: SHOP,
      customer: { id: CUSTOMER_ID, email: EMAIL, phone: PHONE },
      orders_requested: [880001],
    });
    expect((await app.webhook("customers/data_request", SHOP, dataRequest)).status).toBe(200);
    // The scan sees the shopper before erasure (it would find a leak).
    expect((await findIdentifiers()).length).toBeGreaterThan(10);

    const redact = webhookPayload("customers/redact", {
      shop_domain: SHOP,
      customer: { id: CUSTOMER_ID, email: EMAIL, phone: PHONE },
      orders_to_redact: [880001],
    });
    expect((await app.webhook("customers/redact", SHOP, redact)).status).toBe(200);

    expect(await findIdentifiers()).toEqual([]);
    // The points still add up, under the member's anonymous id.
    expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
    expect(
      await app.prisma.complianceRequest.count({
        where: { shopId, kind: "customers_redact", shopifyCustomerId: { startsWith: "hmac:" } },
      }),
    ).toBe(1);
  });
});
