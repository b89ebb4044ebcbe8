import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appProxyQuery, signedWebhookRequest } from "../sandbox/signing";
import { API_VERSION, BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { sendSignedWebhook } from "./support/signed-webhook";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, webhookPayload } from "./support/webhook-fixtures";

// The webhook inbox (docs/decisions/0030-webhooks-accepted-then-applied.md), with this app's own
// applier off: the test applies deliveries itself, when it chooses, with the app's code.
const SHOP = "inbox-shop.myshopify.com";
const QUIET_SHOP = "inbox-quiet-shop.myshopify.com";
let app: TestApp;
let applyInbox: typeof import("~/jobs/inbox.server").applyInbox;
let inbox: typeof import("~/db/inbox.server");

beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_INBOX_APPLIER: "off" } });
  ({ applyInbox } = await import("~/jobs/inbox.server"));
  inbox = await import("~/db/inbox.server");
  for (const shop of [SHOP, QUIET_SHOP]) {
    await app.installShop(shop);
    await app.configureProgram(shop, (program) => {
      program.enabled = true;
    });
  }
});
afterAll(() => app?.close());

/** Sends a signed delivery as Shopify does, without waiting for it to be applied. */
async function deliver(topic: string, payload: unknown, webhookId = crypto.randomUUID(), shop = SHOP) {
  const request = signedWebhookRequest(
    `${app.url}/webhooks/${topic}`,
    { topic, shop, payload, apiVersion: API_VERSION, webhookId },
    TEST_API_SECRET,
  );
  const response = await fetch(request.url, request.init);
  return { status: response.status, webhookId };
}

async function memberPoints(customerId: number) {
  const query = appProxyQuery({ shop: SHOP, customerId }, TEST_API_SECRET);
  const response = await fetch(`${app.url}/proxy/member?${query}`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
  return ((await response.json()) as { points: { balance: number; processing: boolean } }).points;
}

const paidOrder = (id: number, customerId: number, price = "120.00") =>
  orderPayload("orders/paid", {
    id,
    customer: { id: customerId, email: `c${customerId}@example.com` },
    lines: [{ price }],
  });

async function delivery(webhookId: string) {
  const [row] = await app.prisma.$queryRaw<
    { pending: boolean; applied: boolean; parked: boolean; attempts: number; error: string | null }[]
  >`
    SELECT payload IS NOT NULL AND "parkedAt" IS NULL AS pending, "appliedAt" IS NOT NULL AS applied,
           "parkedAt" IS NOT NULL AS parked, attempts, error
      FROM "WebhookDelivery" WHERE "shopDomain" = ${SHOP} AND "webhookId" = ${webhookId}`;
  return row;
}

describe("the webhook inbox", () => {
  it("answers 200 once a delivery is stored; the shopper's read says processing until it is applied, once", async () => {
    const sent = await deliver("orders/paid", paidOrder(81_001, 8_101));
    expect(sent.status).toBe(200);
    expect(await delivery(sent.webhookId)).toMatchObject({ pending: true, applied: false });
    expect(await memberPoints(8_101)).toMatchObject({ balance: 0, processing: true });

    // Shopify's retry of the same delivery before it was applied: still one delivery.
    expect((await deliver("orders/paid", paidOrder(81_001, 8_101), sent.webhookId)).status).toBe(200);
    expect(await applyInbox(app.prisma)).toMatchObject({ processed: 1, parked: 0 });
    expect(await memberPoints(8_101)).toEqual(expect.objectContaining({ balance: 120, processing: false }));
    expect(await delivery(sent.webhookId)).toMatchObject({ pending: false, applied: true });

    // And after: the retry finds it applied and changes nothing.
    expect((await deliver("orders/paid", paidOrder(81_001, 8_101), sent.webhookId)).status).toBe(200);
    expect(await applyInbox(app.prisma)).toMatchObject({ processed: 0 });
    expect((await memberPoints(8_101)).balance).toBe(120);
  });

  it("keeps the body byte for byte as Shopify sent it, and its headers' facts", async () => {
    // Shopify's own spacing, and an id past 2^53 that a parse-and-serialise round trip would round.
    const body = JSON.stringify(paidOrder(81_005, 8_105), null, 2).replace("{", '{\n  "x_big_id": 90071992547409931,');
    const webhookId = crypto.randomUUID();
    const response = await sendSignedWebhook(app.url, {
      route: "orders/paid",
      topic: "orders/paid",
      shop: SHOP,
      body,
      webhookId,
    });
    expect(response.status).toBe(200);
    const [stored] = await app.prisma.$queryRaw<{ body: string; apiVersion: string; orderingKey: string }[]>`
      SELECT payload::text AS body, "apiVersion", "orderingKey" FROM "WebhookDelivery"
       WHERE "shopDomain" = ${SHOP} AND "webhookId" = ${webhookId}`;
    expect(stored).toEqual({ body, apiVersion: API_VERSION, orderingKey: "8105" });
    expect(await applyInbox(app.prisma)).toMatchObject({ processed: 1, parked: 0 });
    expect((await memberPoints(8_105)).balance).toBe(120);
  });

  it("keeps a payload refused at the door out of the inbox: 400, nothing stored", async () => {
    const bad = await deliver("orders/paid", { ...paidOrder(81_002, 8_102), line_items: "many" });
    expect(bad.status).toBe(400);
    expect(await delivery(bad.webhookId)).toBeUndefined();
  });

  it("retries a delivery that cannot be applied, then parks it with its error; the others are applied, its customer's next one after it", async () => {
    // A customer's name with a NUL character: valid JSON, but no PostgreSQL text column takes it.
    const poison = await deliver(
      "customers/create",
      webhookPayload("customers/create", {
        id: 8_103,
        admin_graphql_api_id: "gid://shopify/Customer/8103",
        email: "nul@example.com",
        first_name: "Ava\u0000",
        note: "",
      }),
    );
    const sameCustomerLater = await deliver("orders/paid", paidOrder(81_003, 8_103, "40.00"));
    const otherCustomer = await deliver("orders/paid", paidOrder(81_004, 8_104, "70.00"));
    expect([poison.status, sameCustomerLater.status, otherCustomer.status]).toEqual([200, 200, 200]);

    const first = await applyInbox(app.prisma);
    expect(first).toMatchObject({ processed: 1, parked: 0, retrying: 1 });
    expect((await memberPoints(8_104)).balance).toBe(70);
    // The customer's order waits behind their failing delivery, in the order Shopify sent them.
    expect(await delivery(sameCustomerLater.webhookId)).toMatchObject({ pending: true });
    expect(await delivery(poison.webhookId)).toMatchObject({ pending: true, attempts: 1 });

    // Tried again after its waits (1 s, then 5 s), then parked with the database's error.
    const deadline = Date.now() + 20_000;
    while (!(await delivery(poison.webhookId))!.parked && Date.now() < deadline) {
      await applyInbox(app.prisma);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const parked = await delivery(poison.webhookId);
    expect(parked).toMatchObject({ parked: true, applied: false, attempts: 3 });
    expect(parked!.error).toMatch(/0x00|invalid byte sequence/);

    // Parked, it no longer holds the customer's order back.
    await applyInbox(app.prisma);
    expect(await delivery(sameCustomerLater.webhookId)).toMatchObject({ pending: false, applied: true });
    expect(await memberPoints(8_103)).toMatchObject({ balance: 40, processing: false });
  });

  it("gives parked deliveries back to the appliers once their cause is mended: applied once", async () => {
    const sent = await deliver("orders/paid", paidOrder(81_006, 8_106, "30.00"));
    // Parked as a bug would park it: claimed, then failed on its last attempt.
    const claimed = await inbox.claimDeliveries(app.prisma, 100);
    const [row] = await app.prisma.webhookDelivery.findMany({
      where: { shopDomain: SHOP, webhookId: sent.webhookId },
      select: { id: true },
    });
    const mine = claimed.find((one) => one.id === row!.id)!;
    await inbox.releaseDeliveries(
      app.prisma,
      claimed.filter((one) => one !== mine).map((one) => one.id),
    );
    await inbox.recordFailure(app.prisma, mine, "TypeError: a bug since mended", { park: true });
    expect(await applyInbox(app.prisma)).toMatchObject({ processed: 0 });

    const parkedOrders = { shopDomain: SHOP, topic: "orders/paid" };
    expect(await inbox.parkedDeliveries(app.prisma, parkedOrders)).toEqual([
      expect.objectContaining({ webhookId: sent.webhookId, error: "TypeError: a bug since mended", attempts: 1 }),
    ]);
    expect(await inbox.retryParked(app.prisma, { shopDomain: QUIET_SHOP })).toBe(0);
    expect(await inbox.retryParked(app.prisma, parkedOrders)).toBe(1);
    expect(await inbox.parkedDeliveries(app.prisma, parkedOrders)).toEqual([]);
    expect(await applyInbox(app.prisma)).toMatchObject({ processed: 1, parked: 0 });
    expect(await memberPoints(8_106)).toMatchObject({ balance: 30, processing: false });
    expect(await inbox.retryParked(app.prisma, parkedOrders)).toBe(0);
  });

  it("several appliers at once apply every delivery once", async () => {
    const customers = Array.from({ length: 12 }, (_, i) => 8_200 + i);
    const sent = await Promise.all(
      customers.flatMap((customerId, i) => [
        deliver("orders/paid", paidOrder(82_000 + i, customerId, "10.00")),
        deliver("orders/paid", paidOrder(82_100 + i, customerId, "5.00")),
      ]),
    );
    expect(sent.every((one) => one.status === 200)).toBe(true);
    const reports = await Promise.all([1, 2, 3].map(() => applyInbox(app.prisma, { batchSize: 5 })));
    expect(reports.reduce((sum, report) => sum + report.processed, 0)).toBe(24);
    for (const customerId of customers) expect(await memberPoints(customerId)).toMatchObject({ balance: 15 });
    const [ledger] = await app.prisma.$queryRaw<{ earned: number }[]>`
      SELECT count(*)::int AS earned FROM "LedgerEntry" e JOIN "Member" m ON m.id = e."memberId"
       WHERE m."shopifyCustomerId" = ANY(${customers.map(String)}) AND e.delta > 0`;
    expect(ledger).toEqual({ earned: 24 });
  });

  it("takes each shop's oldest delivery in turn: one shop's burst does not hold up another shop's order", async () => {
    const burst = [];
    for (let i = 0; i < 12; i++) burst.push(await deliver("orders/paid", paidOrder(83_000 + i, 8_300 + i, "10.00")));
    const quiet = await deliver("orders/paid", paidOrder(83_100, 8_399, "25.00"), undefined, QUIET_SHOP);
    expect([...burst, quiet].every((one) => one.status === 200)).toBe(true);

    // A batch of 5 while 13 wait: the quiet shop's order, sent last, is in it with the burst's 4 oldest.
    const claimed = await inbox.claimDeliveries(app.prisma, 5);
    expect(claimed.map((one) => one.shopDomain).sort()).toEqual([QUIET_SHOP, SHOP, SHOP, SHOP, SHOP]);
    const oldest = await app.prisma.webhookDelivery.findMany({
      where: { shopDomain: SHOP, webhookId: { in: burst.slice(0, 4).map((one) => one.webhookId) } },
      select: { id: true },
    });
    expect(
      claimed
        .filter((one) => one.shopDomain === SHOP)
        .map((one) => one.id)
        .sort(),
    ).toEqual(oldest.map((one) => one.id).sort());
    await inbox.releaseDeliveries(
      app.prisma,
      claimed.map((one) => one.id),
    );
    expect(await applyInbox(app.prisma)).toMatchObject({ processed: 13, parked: 0 });
  });
});
