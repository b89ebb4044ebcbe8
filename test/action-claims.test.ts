import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkNewsletterConsents } from "~/jobs/newsletter-consent.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import type { CustomAction } from "~/loyalty/program/program";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { ON_POSTGRES } from "./support/database";
import { startTestApp, type TestApp } from "./support/test-app";
import { webhookPayload } from "./support/webhook-fixtures";

const SHOP = "claims-shop.myshopify.com";
let app: TestApp;
let shopId: string;

const action = (fields: Partial<CustomAction> & Pick<CustomAction, "key" | "name" | "points">): CustomAction => ({
  limitPerCustomer: 1,
  limitPerDay: null,
  claimable: false,
  url: null,
  verifiedBy: null,
  ...fields,
});

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.earning.customActions = [
      action({
        key: "instagram",
        name: "Follow us on Instagram",
        translations: { fr: { name: "Suivez-nous sur Instagram" } },
        points: 50,
        // No limit: only the claim's own key keeps it to one award per shopper.
        limitPerCustomer: null,
        claimable: true,
        url: "https://instagram.com/tally",
      }),
      action({ key: "review", name: "Write a review", points: 25 }),
      // No limits either: the signup's own key keeps each to one award per customer.
      action({
        key: "newsletter",
        name: "Join our newsletter",
        points: 100,
        limitPerCustomer: null,
        verifiedBy: "newsletter",
      }),
      action({
        key: "newsletter-extra",
        name: "Newsletter bonus",
        points: 10,
        limitPerCustomer: null,
        verifiedBy: "newsletter",
      }),
    ];
  });
});
afterAll(() => app?.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

const claim = (customerId: number | null, body: unknown) =>
  fetch(`${app.url}/proxy/actions/claim?${appProxyQuery({ shop: SHOP, customerId }, TEST_API_SECRET)}`, {
    method: "POST",
    headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
const member = async (customerId: number, locale?: string) =>
  (
    await fetch(
      `${app.url}/proxy/member?${appProxyQuery({ shop: SHOP, customerId, extra: locale ? { locale } : {} }, TEST_API_SECRET)}`,
      { headers: { "User-Agent": BROWSER_USER_AGENT } },
    )
  ).json();
const entries = (customerId: number) =>
  app.prisma.ledgerEntry.count({ where: { shopId, member: { shopifyCustomerId: String(customerId) } } });
const consent = (customerId: number, state: string) =>
  webhookPayload("customers_email_marketing_consent/update", {
    customer_id: customerId,
    email_address: `c${customerId}@example.com`,
    email_marketing_consent: { state, opt_in_level: "single_opt_in", consent_updated_at: "2026-11-30T10:00:00Z" },
  });

describe("a shopper claims an action", () => {
  it("lists the claimable action with its link in the member view, open until claimed", async () => {
    const view = await member(9001);
    expect(view.actions).toEqual([
      {
        key: "instagram",
        name: "Follow us on Instagram",
        points: 50,
        url: "https://instagram.com/tally",
        status: "open",
      },
    ]);
    // The merchant's translation for a French shopper.
    expect((await member(9001, "fr")).actions[0].name).toBe("Suivez-nous sur Instagram");
  });

  it("shows a guest the claimable action and its link in the program", async () => {
    const guest = await (
      await fetch(`${app.url}/proxy/member?${appProxyQuery({ shop: SHOP, customerId: null }, TEST_API_SECRET)}`, {
        headers: { "User-Agent": BROWSER_USER_AGENT },
      })
    ).json();
    expect(guest.program.earning.actions).toContainEqual({
      key: "instagram",
      name: "Follow us on Instagram",
      points: 50,
      claimable: true,
      url: "https://instagram.com/tally",
    });
    expect(guest.program.earning.actions).toContainEqual(
      expect.objectContaining({ key: "review", claimable: false, url: null }),
    );
  });

  it("awards a claim once: 201, then 200 with the same answer and no second award", async () => {
    const first = await claim(9001, { action: "instagram" });
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ action: "instagram", status: "claimed", points: 50, balance: 50 });
    const second = await claim(9001, { action: "instagram" });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ action: "instagram", status: "claimed", points: 50, balance: 50 });
    expect(await entries(9001)).toBe(1);
    const view = await member(9001);
    expect(view.points.balance).toBe(50);
    expect(view.actions[0].status).toBe("claimed");
    const entry = await app.prisma.ledgerEntry.findFirstOrThrow({ where: { shopId, sourceId: "instagram" } });
    expect(entry.idempotencyKey).toMatch(/^action:instagram:[^:]+:claim$/);
  });

  it("answers 404 for an action that is not claimable or does not exist, and writes nothing", async () => {
    for (const key of ["review", "newsletter", "no-such-action"]) {
      const response = await claim(9002, { action: key });
      expect(response.status, key).toBe(404);
      expect(await response.json()).toEqual({ error: "unknown_action", message: "This action can't be claimed here." });
    }
    expect(await entries(9002)).toBe(0);
    expect(await app.prisma.member.count({ where: { shopId, shopifyCustomerId: "9002" } })).toBe(0);
  });

  it("answers 422 to a body without an action, and 401 to a guest", async () => {
    expect((await claim(9003, { nope: true })).status).toBe(422);
    const guest = await claim(null, { action: "instagram" });
    expect(guest.status).toBe(401);
    expect(await guest.json()).toMatchObject({ error: "not_logged_in" });
    expect(await entries(9003)).toBe(0);
  });

  it("refuses a body larger than a claim needs", async () => {
    const response = await claim(9003, { action: "instagram", padding: "x".repeat(4_000) });
    expect(response.status).toBe(413);
    expect(await entries(9003)).toBe(0);
  });

  it("allows a shopper 10 claims a minute: the 11th is a 429 and awards nothing", async () => {
    for (let attempt = 1; attempt <= 10; attempt++) expect((await claim(9004, { action: "review" })).status).toBe(404);
    const limited = await claim(9004, { action: "instagram" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await entries(9004)).toBe(0);
    // Another shopper is not held back.
    expect((await claim(9005, { action: "instagram" })).status).toBe(201);
  });

  it("answers 409 while the program is off, and awards nothing", async () => {
    await app.configureProgram(SHOP, (program) => void (program.enabled = false));
    try {
      const response = await claim(9006, { action: "instagram" });
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ error: "program_disabled" });
      expect(await entries(9006)).toBe(0);
      // Nothing to claim is shown meanwhile.
      expect((await member(9006)).actions).toEqual([]);
    } finally {
      await app.configureProgram(SHOP, (program) => void (program.enabled = true));
    }
  });

  it("answers 409 when the shopper already earned the action as often as allowed another way", async () => {
    await app.configureProgram(SHOP, (program) => {
      program.earning.customActions.push(
        action({ key: "visit", name: "Visit our blog", points: 5, claimable: true, url: "https://example.com/blog" }),
      );
    });
    const awarded = await app.admin("/api/actions", SHOP, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ customerId: "9007", action: "visit", eventId: "crm-1" }),
    });
    expect(awarded.status).toBe(201);
    expect((await member(9007)).actions.find((a: { key: string }) => a.key === "visit").status).toBe("limit_reached");
    const response = await claim(9007, { action: "visit" });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: "limit_reached",
      message: "You've already earned the points for this action.",
    });
    expect(await entries(9007)).toBe(1);
  });
});

describe("newsletter actions", () => {
  const balance = async (customerId: number) =>
    Number(
      (await app.prisma.member.findFirst({ where: { shopId, shopifyCustomerId: String(customerId) } }))?.balance ?? 0,
    );

  it("a customer who subscribes earns every newsletter action once, however often Shopify says so", async () => {
    const subscribed = consent(9101, "subscribed");
    expect((await app.webhook("customers_email_marketing_consent/update", SHOP, subscribed)).status).toBe(200);
    // The same delivery again, and a new delivery of the same news (another webhook id).
    await app.webhook("customers_email_marketing_consent/update", SHOP, subscribed, { webhookId: "same-news-1" });
    await app.webhook("customers_email_marketing_consent/update", SHOP, subscribed, { webhookId: "same-news-1" });
    await app.webhook("customers_email_marketing_consent/update", SHOP, subscribed, { webhookId: "same-news-2" });
    expect(await balance(9101)).toBe(110);
    expect(await entries(9101)).toBe(2);
  });

  it("unsubscribing takes nothing back, and subscribing again awards nothing more", async () => {
    await app.webhook("customers_email_marketing_consent/update", SHOP, consent(9101, "unsubscribed"));
    await app.webhook("customers_email_marketing_consent/update", SHOP, consent(9101, "subscribed"));
    expect(await balance(9101)).toBe(110);
    expect(await entries(9101)).toBe(2);
  });

  it("a customer who is not subscribed earns nothing (and is not enrolled for it)", async () => {
    for (const state of ["not_subscribed", "pending", "unsubscribed"])
      expect((await app.webhook("customers_email_marketing_consent/update", SHOP, consent(9102, state))).status).toBe(
        200,
      );
    expect(await entries(9102)).toBe(0);
    expect(await app.prisma.member.count({ where: { shopId, shopifyCustomerId: "9102" } })).toBe(0);
  });

  it("refuses a payload without the consent (400) and writes nothing", async () => {
    const response = await app.webhook("customers_email_marketing_consent/update", SHOP, { customer_id: 9103 });
    expect(response.status).toBe(400);
    expect(await entries(9103)).toBe(0);
  });
});

describe("newsletter actions for a customer created already subscribed", () => {
  const created = (customerId: number) =>
    webhookPayload("customers/create", {
      id: customerId,
      admin_graphql_api_id: `gid://shopify/Customer/${customerId}`,
      email: `c${customerId}@example.com`,
      first_name: "Nora",
      last_name: "Lind",
    });
  const inShopify = (customerId: number, emailMarketingState?: "SUBSCRIBED" | "NOT_SUBSCRIBED", shop = SHOP) =>
    app.double.shop(shop).customers.push({
      id: customerId,
      email: `c${customerId}@example.com`,
      firstName: "Nora",
      lastName: "Lind",
      phone: null,
      tags: [],
      createdAt: new Date().toISOString(),
      numberOfOrders: 0,
      amountSpent: "0.00",
      emailMarketingState,
    });
  const tasks = (shop = shopId) =>
    app.prisma.outboxTask.findMany({ where: { shopId: shop, topic: "check_newsletter_consent" } });
  const runJob = (at = new Date()) => checkNewsletterConsents(app.prisma, at, { maxAttempts: 1 });

  it("customers/create, delivered twice: Shopify is asked once and every newsletter action is awarded once", async () => {
    inShopify(9301, "SUBSCRIBED");
    expect((await app.webhook("customers/create", SHOP, created(9301))).status).toBe(200);
    // A second delivery of the same news (another webhook id) queues nothing more.
    expect((await app.webhook("customers/create", SHOP, created(9301), { webhookId: "created-again" })).status).toBe(
      200,
    );
    expect(await tasks()).toHaveLength(1);
    expect(await runJob()).toMatchObject({ processed: 1, points: 110 });
    expect(await runJob()).toMatchObject({ processed: 0 });
    expect(app.double.callsTo("CustomerEmailMarketing")).toHaveLength(1);
    expect(await entries(9301)).toBe(2);
    // The consent webhook afterwards awards nothing more.
    await app.webhook("customers_email_marketing_consent/update", SHOP, consent(9301, "subscribed"));
    expect(await entries(9301)).toBe(2);
  });

  it("the consent webhook first, then the check: still one award", async () => {
    inShopify(9302, "SUBSCRIBED");
    await app.webhook("customers/create", SHOP, created(9302));
    await app.webhook("customers_email_marketing_consent/update", SHOP, consent(9302, "subscribed"));
    expect(await entries(9302)).toBe(2);
    await runJob();
    expect(await entries(9302)).toBe(2);
  });

  it("a customer who is not subscribed earns nothing; the task finishes", async () => {
    inShopify(9303);
    await app.webhook("customers/create", SHOP, created(9303));
    await runJob();
    expect(await entries(9303)).toBe(0);
    expect((await tasks()).every((task) => task.deliveredAt)).toBe(true);
  });

  it("a customer Shopify no longer has finishes the task without an award", async () => {
    await app.webhook("customers/create", SHOP, created(9304));
    await runJob();
    expect(await entries(9304)).toBe(0);
    expect((await tasks()).every((task) => task.deliveredAt)).toBe(true);
  });

  it("a customer deleted before the check: Shopify is not asked and nobody is awarded or enrolled again", async () => {
    inShopify(9307, "SUBSCRIBED");
    await app.webhook("customers/create", SHOP, created(9307));
    await app.webhook("customers/delete", SHOP, created(9307));
    const asked = app.double.callsTo("CustomerEmailMarketing").length;
    await runJob();
    expect(app.double.callsTo("CustomerEmailMarketing")).toHaveLength(asked);
    expect(await entries(9307)).toBe(0);
    expect(await app.prisma.member.count({ where: { shopId, shopifyCustomerId: "9307" } })).toBe(0);
    expect((await tasks()).every((task) => task.deliveredAt)).toBe(true);
  });

  it("throttled: the task waits and is checked again later", async () => {
    inShopify(9305, "SUBSCRIBED");
    await app.webhook("customers/create", SHOP, created(9305));
    app.double.failNext({ kind: "throttled" }, { operationName: "CustomerEmailMarketing" });
    await runJob();
    expect(await entries(9305)).toBe(0);
    const waiting = (await tasks()).find((task) => !task.deliveredAt)!;
    expect(waiting).toMatchObject({ attempts: 1, payload: { memberId: expect.any(String) } });
    await runJob(new Date(waiting.runAt.getTime() + 1000));
    expect(await entries(9305)).toBe(2);
  });

  it("a program without a newsletter action queues no check", async () => {
    const plain = "plain-claims-shop.myshopify.com";
    await app.installShop(plain);
    const plainId = await app.configureProgram(plain, (program) => {
      program.earning.customActions = [action({ key: "review", name: "Write a review", points: 25 })];
    });
    inShopify(9306, "SUBSCRIBED", plain);
    expect((await app.webhook("customers/create", plain, created(9306))).status).toBe(200);
    expect(await app.prisma.member.count({ where: { shopId: plainId, shopifyCustomerId: "9306" } })).toBe(1);
    expect(await tasks(plainId)).toHaveLength(0);
  });
});

describe.skipIf(!ON_POSTGRES)("claims at once", () => {
  it("two concurrent claims award once: one 201, one 200", async () => {
    const statuses = (
      await Promise.all([claim(9201, { action: "instagram" }), claim(9201, { action: "instagram" })])
    ).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 201]);
    expect(await entries(9201)).toBe(1);
  });

  it("concurrent subscribed deliveries award each newsletter action once", async () => {
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        app.webhook("customers_email_marketing_consent/update", SHOP, consent(9202, "subscribed"), {
          webhookId: `burst-${i}`,
        }),
      ),
    );
    expect(await entries(9202)).toBe(2);
  });
});
