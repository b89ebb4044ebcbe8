import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FLOW_TRIGGERS } from "~/loyalty/points/flow-triggers";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import type { Program } from "~/loyalty/program/program";
import { appProxyQuery, mintSessionToken } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload, webhookPayload, type FixtureLine } from "./support/webhook-fixtures";

// Giving back (issue 24, docs/giving.md): round-up lines of Shopify's signed order webhooks give to
// their cause once, earn nothing and are taken back by refunds and cancellations; members give
// points through the extension API and the App Proxy, once per request key. Runs on PGlite and,
// with TEST_DATABASE_URL, on PostgreSQL.

const SHOP = "giving-shop.myshopify.com";
const DONATION_VARIANT = 5501;
let app: TestApp;
let shopId = "";
let nextOrder = 96_000;
let nextLine = 960_000;

const giving: Program["giving"] = {
  enabled: true,
  causes: [
    {
      id: "ocean",
      name: "Ocean Cleanup",
      description: "Plastic out of the sea",
      url: null,
      startsAt: null,
      endsAt: null,
    },
    {
      id: "trees",
      name: "Trees",
      description: "",
      url: "https://trees.example.org",
      translations: { fr: { name: "Arbres", description: "" } },
      startsAt: null,
      endsAt: null,
    },
  ],
  defaultCauseId: "ocean",
  roundUp: {
    enabled: true,
    rule: "next_unit",
    fixedAmounts: [1, 2, 5],
    productId: "5500",
    variantId: String(DONATION_VARIANT),
    taxable: false,
  },
  points: { enabled: true, pointsPerUnit: 100, step: 100 },
  bonusPointsPerUnit: 10,
};

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  await app.admin("/api/program", SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.earning.order.holdDays = 0;
    program.earning.order.pointsPerCurrencyUnit = 1;
    program.giving = giving;
    // Spend tiers that a counted round-up (or a refund of one) would move a member across.
    program.tiers = {
      metric: "amount_spent",
      period: "lifetime",
      retention: "none",
      refundsDemote: true,
      tagPrefix: "Tally ",
      levels: [
        { id: "silver", name: "Silver", threshold: 20, earnMultiplier: 1, entryBonusPoints: 0 },
        { id: "gold", name: "Gold", threshold: 21, earnMultiplier: 1, entryBonusPoints: 0 },
      ],
    };
  });
  await app.prisma.shop.update({
    where: { id: shopId },
    data: { currencyCode: "EUR", flowTriggersEnabled: Object.values(FLOW_TRIGGERS).map((trigger) => trigger.handle) },
  });
});
afterAll(() => app?.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

/** A round-up of `cents` hundredths: the donation variant (0.01) in that quantity. */
const roundUp = (cents: number, cause?: string): FixtureLine => ({
  price: "0.01",
  quantity: cents,
  variantId: DONATION_VARIANT,
  lineItemId: nextLine++,
  ...(cause ? { properties: [{ name: "_tally_cause", value: cause }] } : {}),
});
const goods = (price: string): FixtureLine => ({ price, lineItemId: nextLine++ });

function order(customerId: number | null, lines: FixtureLine[]) {
  const id = nextOrder++;
  const customer = customerId ? { id: customerId, email: `g${customerId}@example.com` } : null;
  const paid = orderPayload("orders/paid", {
    id,
    customer,
    email: customerId ? undefined : `guest${id}@example.com`,
    lines,
  });
  return {
    id,
    lines,
    pay: () => app.webhook("orders/paid", SHOP, paid),
    refund: (refundId: number, refunded: { line: FixtureLine; quantity: number }[]) =>
      app.webhook(
        "refunds/create",
        SHOP,
        refundPayload({
          id: refundId,
          orderId: id,
          lines: refunded.map(({ line, quantity }) => ({
            lineItemId: line.lineItemId!,
            quantity,
            subtotal: (Number(line.price) * quantity).toFixed(2),
          })),
        }),
      ),
    cancel: () => app.webhook("orders/cancelled", SHOP, orderPayload("orders/cancelled", { id, customer, lines: [] })),
  };
}

const donationsOf = (orderId: number) =>
  app.prisma.donation.findMany({ where: { shopId, shopifyOrderId: String(orderId) }, orderBy: { lineItemId: "asc" } });
const member = (customerId: number) =>
  app.prisma.member.findUniqueOrThrow({
    where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(customerId) } },
  });
const entries = async (customerId: number) =>
  (
    await app.prisma.ledgerEntry.findMany({
      where: { memberId: (await member(customerId)).id },
      orderBy: { createdAt: "asc" },
    })
  ).map((entry) => ({ key: entry.idempotencyKey, kind: entry.kind, points: Number(entry.delta + entry.pendingDelta) }));
const flowEvents = (prefix: string) =>
  app.prisma.outboxTask.findMany({ where: { shopId, topic: "flow_trigger", key: { startsWith: `flow:${prefix}` } } });

describe("round-up lines of paid orders", () => {
  it("an order delivered twice records its round-up once, to the cause its line names, and the line earns nothing", async () => {
    const roundUpLine = roundUp(73, "trees");
    const placed = order(7001, [goods("20.27"), roundUpLine]);
    expect((await placed.pay()).status).toBe(200);
    expect((await placed.pay()).status).toBe(200);

    expect(await donationsOf(placed.id)).toMatchObject([
      { causeId: "trees", lineItemId: String(roundUpLine.lineItemId), bought: 73, quantity: 73, amountCents: 73n },
    ]);
    // 20.27 earns 20 points; the 0.73 round-up nothing (and no bonus: not a whole unit).
    expect(await entries(7001)).toEqual([{ key: `order:${placed.id}:earn`, kind: "earn", points: 20 }]);
    const stored = await app.prisma.order.findFirstOrThrow({ where: { shopId, shopifyOrderId: String(placed.id) } });
    expect(stored.eligibleCents).toBe(2027n);
    // 20.27 spent, not 21.00: Silver, not Gold.
    expect((await member(7001)).tierId).toBe("silver");
    const events = await flowEvents(`donation:${placed.id}`);
    expect(events.map((event) => (event.payload as { fields: unknown }).fields)).toEqual([
      {
        "Cause id": "trees",
        "Cause name": "Trees",
        Kind: "round_up",
        Amount: 0.73,
        Currency: "EUR",
        Points: 0,
        "Order id": String(placed.id),
      },
    ]);
  });

  it("refunds of the round-up line take it back unit by unit; the bonus goes once nothing counts; points and tier spend stay", async () => {
    const roundUpLine = roundUp(500);
    const placed = order(7002, [goods("20.00"), roundUpLine]);
    expect((await placed.pay()).status).toBe(200);
    // No cause named: the default cause. 5.00 given: 5 × 10 bonus points.
    expect(await donationsOf(placed.id)).toMatchObject([{ causeId: "ocean", quantity: 500, amountCents: 500n }]);
    expect(await entries(7002)).toEqual([
      { key: `order:${placed.id}:earn`, kind: "earn", points: 20 },
      { key: `donation:${placed.id}:bonus`, kind: "bonus", points: 50 },
    ]);

    expect((await placed.refund(97_001, [{ line: roundUpLine, quantity: 200 }])).status).toBe(200);
    expect(await donationsOf(placed.id)).toMatchObject([{ quantity: 300, amountCents: 300n }]);
    expect((await placed.refund(97_002, [{ line: roundUpLine, quantity: 300 }])).status).toBe(200);
    expect((await placed.refund(97_002, [{ line: roundUpLine, quantity: 300 }])).status).toBe(200);
    expect(await donationsOf(placed.id)).toMatchObject([{ quantity: 0, amountCents: 0n }]);
    // The order's own points are untouched by refunds of what earned nothing.
    expect(await entries(7002)).toEqual([
      { key: `order:${placed.id}:earn`, kind: "earn", points: 20 },
      { key: `donation:${placed.id}:bonus`, kind: "bonus", points: 50 },
      { key: `donation:${placed.id}:bonus:reverse`, kind: "reverse", points: -50 },
    ]);
    expect((await member(7002)).balance).toBe(20n);
    // Refunding what was given takes nothing off what was spent: 20.00, and 1.00 more is Gold.
    expect((await order(7002, [goods("1.00")]).pay()).status).toBe(200);
    expect((await member(7002)).tierId).toBe("gold");
  });

  it("a cancelled order gives nothing, whichever of its deliveries comes first", async () => {
    const placed = order(7003, [goods("10.00"), roundUp(250, "ocean")]);
    expect((await placed.cancel()).status).toBe(200);
    expect((await placed.pay()).status).toBe(200);
    expect(await donationsOf(placed.id)).toMatchObject([{ quantity: 0, amountCents: 0n }]);
    expect(await flowEvents(`donation:${placed.id}`)).toEqual([]);
  });

  it("a guest's round-up gives too, tied to no member; a cause no longer in the program falls to the default", async () => {
    const placed = order(null, [goods("9.40"), roundUp(60, "whales")]);
    expect((await placed.pay()).status).toBe(200);
    expect(await donationsOf(placed.id)).toMatchObject([
      { causeId: "ocean", memberId: null, shopifyCustomerId: null, amountCents: 60n },
    ]);
  });
});

describe("points given to a cause", () => {
  const CUSTOMER = 7010;
  const headers = async (customerId: number, key?: string) => ({
    Authorization: `Bearer ${await mintSessionToken({
      shop: SHOP,
      apiKey: TEST_API_KEY,
      apiSecret: TEST_API_SECRET,
      subject: `gid://shopify/Customer/${customerId}`,
    })}`,
    "User-Agent": BROWSER_USER_AGENT,
    "Content-Type": "application/json",
    ...(key ? { "Idempotency-Key": key } : {}),
  });
  const give = async (body: unknown, key?: string, customerId = CUSTOMER) =>
    fetch(`${app.url}/api/extension/donations`, {
      method: "POST",
      headers: await headers(customerId, key),
      body: JSON.stringify(body),
    });
  const given = async () =>
    (await entries(CUSTOMER)).filter((entry) => entry.key.startsWith("donation:") && entry.kind === "redeem");

  beforeAll(async () => {
    expect((await order(CUSTOMER, [goods("500.00")]).pay()).status).toBe(200);
    expect((await member(CUSTOMER)).balance).toBe(500n);
  });

  it("a request retried with its idempotency key gives once; the key for another gift is refused", async () => {
    const first = await give({ causeId: "trees", points: 200 }, "give-trees-0001");
    expect(first.status).toBe(201);
    const created = (await first.json()) as { donation: { id: string }; balance: number };
    expect(created).toEqual({
      donation: { id: created.donation.id, causeId: "trees", points: 200, valueCents: 200, currencyCode: "EUR" },
      balance: 300,
    });
    const retries = await Promise.all([1, 2, 3].map(() => give({ causeId: "trees", points: 200 }, "give-trees-0001")));
    expect(retries.map((retry) => retry.status)).toEqual([200, 200, 200]);
    expect(
      await Promise.all(retries.map(async (retry) => ((await retry.json()) as typeof created).donation.id)),
    ).toEqual([created.donation.id, created.donation.id, created.donation.id]);
    expect(await given()).toEqual([{ key: `donation:${created.donation.id}:debit`, kind: "redeem", points: -200 }]);
    expect((await member(CUSTOMER)).balance).toBe(300n);

    const reused = await give({ causeId: "ocean", points: 200 }, "give-trees-0001");
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ error: "idempotency_key_reused" });
    const flow = await flowEvents(`donation:${created.donation.id}`);
    expect(flow.map((event) => (event.payload as { fields: Record<string, unknown> }).fields)).toMatchObject([
      { "Cause id": "trees", Kind: "points", Amount: 2, Points: 200, "Order id": "" },
    ]);
  });

  it("more points than the balance → 409 and nothing written; bad gifts → 422 saying why", async () => {
    const before = await given();
    const tooMany = await give({ causeId: "ocean", points: 1000 }, "give-too-many-01");
    expect(tooMany.status).toBe(409);
    expect(await tooMany.json()).toMatchObject({ error: "insufficient_points", balance: 300, pointsNeeded: 1000 });
    const refusals = await Promise.all([
      give({ causeId: "ocean", points: 150 }),
      give({ causeId: "whales", points: 100 }),
      give({ causeId: "ocean", points: 100, extra: true }),
      give({ causeId: "ocean", points: -100 }),
    ]);
    expect(refusals.map((response) => response.status)).toEqual([422, 422, 422, 422]);
    expect(
      await Promise.all(refusals.map(async (response) => ((await response.json()) as { error: string }).error)),
    ).toEqual(["invalid_points", "unknown_cause", "invalid_request", "invalid_request"]);
    expect(await given()).toEqual(before);
    expect(await app.prisma.pointsDonation.count({ where: { shopId, memberId: (await member(CUSTOMER)).id } })).toBe(1);
  });

  it("through the App Proxy too; the member sees what they gave this year and the storefront each cause's total", async () => {
    // Another member: the first has spent the rate limit's ten requests a minute.
    const giver = 7011;
    expect((await order(giver, [goods("300.00")]).pay()).status).toBe(200);
    const query = appProxyQuery({ shop: SHOP, customerId: giver }, TEST_API_SECRET);
    const proxied = await fetch(`${app.url}/proxy/donations?${query}`, {
      method: "POST",
      headers: {
        "User-Agent": BROWSER_USER_AGENT,
        "Content-Type": "application/json",
        "Idempotency-Key": "proxy-give-001",
      },
      body: JSON.stringify({ causeId: "ocean", points: 100 }),
    });
    expect(proxied.status).toBe(201);
    expect((await proxied.json()) as { balance: number }).toMatchObject({ balance: 200 });

    const view = (await (await app.proxy("/member", { shop: SHOP, customerId: giver })).json()) as {
      giving: unknown;
      program: { giving: unknown };
    };
    expect(view.giving).toEqual({
      year: new Date().getUTCFullYear(),
      givenCents: 100,
      currencyCode: "EUR",
      pointsGiven: 100,
    });
    expect(view.program.giving).toEqual({
      causes: [
        { id: "ocean", name: "Ocean Cleanup", description: "Plastic out of the sea", url: null },
        { id: "trees", name: "Trees", description: "", url: "https://trees.example.org" },
      ],
      defaultCauseId: "ocean",
      points: { enabled: true, pointsPerUnit: 100, step: 100 },
    });

    const totals = await app.proxy("/giving", { shop: SHOP, customerId: null });
    expect(totals.status).toBe(200);
    const { causes } = (await totals.json()) as { causes: { id: string; totalCents: number; donors: number }[] };
    // Ocean: the guest's 0.60 and 1.00 of points (the refunded and cancelled round-ups give nothing);
    // trees: a member's 0.73 round-up and another's 2.00 of points.
    expect(causes.map(({ id, totalCents, donors }) => ({ id, totalCents, donors }))).toEqual([
      { id: "ocean", totalCents: 160, donors: 2 },
      { id: "trees", totalCents: 273, donors: 2 },
    ]);
  });

  it("a guest cannot give points; with points donations off a member is told so", async () => {
    const guest = await fetch(
      `${app.url}/proxy/donations?${appProxyQuery({ shop: SHOP, customerId: null }, TEST_API_SECRET)}`,
      {
        method: "POST",
        headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
        body: JSON.stringify({ causeId: "ocean", points: 100 }),
      },
    );
    expect(guest.status).toBe(401);
    await app.configureProgram(SHOP, (program) => {
      program.giving.points.enabled = false;
    });
    const closed = await give({ causeId: "ocean", points: 100 }, undefined, 7012);
    expect(closed.status).toBe(409);
    expect(await closed.json()).toEqual({
      error: "giving_closed",
      message: "Giving points to a cause is not open right now.",
    });
    await app.configureProgram(SHOP, (program) => {
      program.giving.points.enabled = true;
    });
  });
});

describe("the donor's customer record", () => {
  it("a merge gives the kept customer what the merged one gave; a redaction unties round-ups from the customer and keeps them owed", async () => {
    const placed = order(7020, [goods("4.50"), roundUp(50)]);
    expect((await placed.pay()).status).toBe(200);
    expect((await order(7021, [goods("1.00")]).pay()).status).toBe(200);
    const merge = webhookPayload("customers/merge", {
      admin_graphql_api_customer_kept_id: "gid://shopify/Customer/7021",
      admin_graphql_api_customer_deleted_id: "gid://shopify/Customer/7020",
      status: "completed",
      errors: [],
    });
    expect((await app.webhook("customers/merge", SHOP, merge)).status).toBe(200);
    const kept = await member(7021);
    expect(await donationsOf(placed.id)).toMatchObject([
      { memberId: kept.id, shopifyCustomerId: "7021", amountCents: 50n },
    ]);
    const view = (await (await app.proxy("/member", { shop: SHOP, customerId: 7021 })).json()) as {
      giving: { givenCents: number };
    };
    expect(view.giving.givenCents).toBe(50);

    const redact = webhookPayload("customers/redact", {
      shop_domain: SHOP,
      customer: { id: 7021, email: "g7021@example.com", phone: "+33600000000" },
      orders_to_redact: [placed.id],
    });
    expect((await app.webhook("customers/redact", SHOP, redact)).status).toBe(200);
    expect(await donationsOf(placed.id)).toMatchObject([
      { shopifyCustomerId: null, amountCents: 50n, causeId: "ocean" },
    ]);
  });
});
