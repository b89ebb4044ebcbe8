import { decode } from "turbo-stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "adjust-shop.myshopify.com";
let app: TestApp;
let shopId: string;

const post = (path: string, body: unknown) =>
  app.admin(path, SHOP, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  const { program, revision } = await (await app.admin("/api/program", SHOP)).json();
  program.earning.customActions = [
    {
      key: "review",
      name: "Write a review",
      points: 25,
      limitPerCustomer: 2,
      limitPerDay: null,
      claimable: false,
      url: null,
      verifiedBy: null,
    },
    {
      key: "photo",
      name: "Share a photo",
      points: 10,
      limitPerCustomer: null,
      limitPerDay: 2,
      claimable: false,
      url: null,
      verifiedBy: null,
    },
  ];
  await app.admin("/api/program", SHOP, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ program, revision }),
  });
  shopId = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id;
});
afterAll(() => app?.close());
afterEach(async () => {
  expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

describe("manual adjustments", () => {
  it("adds points with the reason and the staff member who did it, once per request", async () => {
    const body = { points: 200, reason: "Apology for a late parcel", idempotencyKey: "adjust-req-0001" };
    const first = await post("/api/members/5001/adjustments", body);
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ status: "applied", balance: 200 });
    const retry = await post("/api/members/5001/adjustments", body);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ status: "duplicate", balance: 200 });
    const entry = await app.prisma.ledgerEntry.findFirstOrThrow({
      where: { idempotencyKey: "adjust:adjust-req-0001" },
    });
    expect(entry).toMatchObject({ kind: "adjust", delta: 200, reason: "Apology for a late parcel", staffId: "1" });
  });

  it("removes points, but never more than the member can spend", async () => {
    const refused = await post("/api/members/5001/adjustments", {
      points: -500,
      reason: "Fraudulent order",
      idempotencyKey: "adjust-req-0002",
    });
    expect(refused.status).toBe(409);
    const removed = await post("/api/members/5001/adjustments", {
      points: -50,
      reason: "Duplicate account",
      idempotencyKey: "adjust-req-0003",
    });
    expect(await removed.json()).toMatchObject({ status: "applied", balance: 150 });
  });

  it("refuses a key reused for another customer or other points (422) and writes nothing, not even a member", async () => {
    const body = { points: 40, reason: "Goodwill gesture", idempotencyKey: "adjust-req-0010" };
    expect((await post("/api/members/5006/adjustments", body)).status).toBe(201);
    const otherCustomer = await post("/api/members/5007/adjustments", body);
    expect(otherCustomer.status).toBe(422);
    expect(await otherCustomer.json()).toEqual({ error: "idempotency_key_reused" });
    const otherPoints = await post("/api/members/5006/adjustments", { ...body, points: 4000 });
    expect(otherPoints.status).toBe(422);
    expect(await app.prisma.member.findFirst({ where: { shopId, shopifyCustomerId: "5007" } })).toBeNull();
    expect(await app.prisma.member.findFirstOrThrow({ where: { shopId, shopifyCustomerId: "5006" } })).toMatchObject({
      balance: 40,
    });
  });

  it("refuses an idempotency key that is too short, too long or not visible ASCII (422), and writes nothing", async () => {
    for (const idempotencyKey of ["short", "k".repeat(6_000), "spaces in key", "clé-unique-0001"]) {
      const response = await post("/api/members/5005/adjustments", {
        points: 10,
        reason: "Goodwill gesture",
        idempotencyKey,
      });
      expect(response.status).toBe(422);
      expect((await response.json()).issues[0].path).toBe("idempotencyKey");
    }
    expect(await app.prisma.member.findFirst({ where: { shopId, shopifyCustomerId: "5005" } })).toBeNull();
  });

  it("refuses a customer id no Shopify customer can have, and writes nothing", async () => {
    const huge = "9".repeat(6_000);
    expect(
      (
        await post(`/api/members/${huge}/adjustments`, {
          points: 10,
          reason: "Goodwill gesture",
          idempotencyKey: "adjust-req-0020",
        })
      ).status,
    ).toBe(400);
    expect((await post("/api/actions", { customerId: huge, action: "review", eventId: "review-huge" })).status).toBe(
      422,
    );
    expect(await app.prisma.member.count({ where: { shopId, shopifyCustomerId: huge } })).toBe(0);
  });

  it("refuses an adjustment without a reason (422) and writes nothing", async () => {
    const response = await post("/api/members/5002/adjustments", {
      points: 10,
      reason: "",
      idempotencyKey: "adjust-req-0004",
    });
    expect(response.status).toBe(422);
    expect((await response.json()).issues[0].path).toBe("reason");
    expect(await app.prisma.ledgerEntry.count({ where: { idempotencyKey: "adjust:adjust-req-0004" } })).toBe(0);
  });
});

describe("one adjustment validation, two doors", () => {
  /** The member page's form post, as the admin's browser sends it (Remix single fetch). */
  const postForm = async (memberId: string, fields: Record<string, unknown>) => {
    const response = await app.admin(`/app/members/${memberId}.data`, SHOP, {
      method: "POST",
      body: new URLSearchParams(Object.entries(fields).map(([name, value]) => [name, String(value)])),
    });
    const decoded = (await decode(response.body!)).value as { data: unknown };
    return { status: response.status, body: decoded.data };
  };

  it("the API and the member page refuse the same bad input with the same 422 and the same issues", async () => {
    const good = { points: 10, reason: "Goodwill gesture", idempotencyKey: "adjust-door-0001" };
    expect((await post("/api/members/5008/adjustments", good)).status).toBe(201);
    const member = await app.prisma.member.findFirstOrThrow({ where: { shopId, shopifyCustomerId: "5008" } });
    const bad = [
      { ...good, points: 0, idempotencyKey: "adjust-door-0002" },
      { ...good, points: 2.5, idempotencyKey: "adjust-door-0003" },
      { ...good, points: 10_000_001, idempotencyKey: "adjust-door-0004" },
      { ...good, reason: "  ", idempotencyKey: "adjust-door-0005" },
      { ...good, idempotencyKey: "short" },
    ];
    for (const body of bad) {
      const api = await post("/api/members/5008/adjustments", body);
      const page = await postForm(member.id, body);
      expect(api.status).toBe(422);
      expect(page.status).toBe(422);
      const refusal = await api.json();
      expect(refusal.error).toBe("invalid_adjustment");
      expect(page.body).toEqual(refusal);
    }
    expect(await app.prisma.ledgerEntry.count({ where: { memberId: member.id } })).toBe(1);
  });
});

describe("custom actions", () => {
  it("awards the action's points once per event and up to its limit", async () => {
    const award = (eventId: string) => post("/api/actions", { customerId: "5003", action: "review", eventId });
    expect((await award("review-1")).status).toBe(201);
    expect((await award("review-1")).status).toBe(200);
    expect((await award("review-2")).status).toBe(201);
    const third = await award("review-3");
    expect(third.status).toBe(409);
    expect(await third.json()).toEqual({ status: "limit_reached" });
    const member = await app.prisma.member.findFirstOrThrow({ where: { shopId, shopifyCustomerId: "5003" } });
    expect(Number(member.balance)).toBe(50);
  });

  it("awards an action up to its daily limit; entries older than a day no longer count", async () => {
    const award = (eventId: string) => post("/api/actions", { customerId: "5004", action: "photo", eventId });
    expect((await award("photo-1")).status).toBe(201);
    expect((await award("photo-2")).status).toBe(201);
    expect((await award("photo-3")).status).toBe(409);
    const member = await app.prisma.member.findFirstOrThrow({ where: { shopId, shopifyCustomerId: "5004" } });
    await app.prisma.ledgerEntry.updateMany({
      where: { memberId: member.id, sourceId: "photo" },
      data: { createdAt: new Date(Date.now() - 25 * 60 * 60 * 1000) },
    });
    expect((await award("photo-3")).status).toBe(201);
    expect((await award("photo-4")).status).toBe(201);
    expect((await award("photo-5")).status).toBe(409);
  });

  it("answers 404 for an action the program does not have", async () => {
    expect((await post("/api/actions", { customerId: "5003", action: "tiktok-dance", eventId: "x" })).status).toBe(404);
  });
});
