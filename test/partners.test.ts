import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { decode } from "turbo-stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import type { PartnerOutcome } from "~/admin/partners/partners-page";
import type { PartnerReport } from "~/loyalty/reports/partners.server";
import type { DoubleCustomer } from "../sandbox/admin-api-double";
import { DEMO_PARTNER, seedDemoPartner } from "../sandbox/demo-seed";
import { BROWSER_USER_AGENT } from "./support/constants";
import { ON_POSTGRES } from "./support/database";
import { startTestApp, type TestApp } from "./support/test-app";
import { webhookPayload } from "./support/webhook-fixtures";

// Partner earning (docs/partners.md) over real HTTP, on PGlite and on PostgreSQL (TEST_DATABASE_URL).
const SHOP = "partners.myshopify.com";
const AVA = { id: 7_101, email: "ava@example.com" };
const BEN = { id: 7_102, email: "ben@example.com" };
let app: TestApp;
let shopId: string;

const doubleCustomer = ({ id, email }: { id: number; email: string }): DoubleCustomer => ({
  id,
  email,
  firstName: email.split("@")[0]!,
  lastName: "Tester",
  phone: null,
  tags: [],
  createdAt: "2026-01-01T00:00:00Z",
  numberOfOrders: 0,
  amountSpent: "0.00",
});

beforeAll(async () => {
  app = await startTestApp();
  // Ben is a Shopify customer who is not a member yet.
  await app.installShop(SHOP, { customers: [doubleCustomer(AVA), doubleCustomer(BEN)] });
  shopId = await app.configureProgram(SHOP, () => {});
  const created = await app.webhook(
    "customers/create",
    SHOP,
    webhookPayload("customers/create", {
      id: AVA.id,
      email: AVA.email,
      first_name: "Ava",
      last_name: "Tester",
      admin_graphql_api_id: `gid://shopify/Customer/${AVA.id}`,
    }),
  );
  expect(created.status).toBe(200);
}, 120_000);
afterEach(async () => {
  expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});
afterAll(async () => {
  await app?.close();
});

/** The partners page's action, as the admin's browser posts it. */
async function partnersAction(form: Record<string, string>): Promise<{ status: number; outcome: PartnerOutcome }> {
  const response = await app.admin("/app/partners.data", SHOP, { method: "POST", body: new URLSearchParams(form) });
  const decoded = (await decode(response.body!)).value as { data: PartnerOutcome };
  return { status: response.status, outcome: decoded.data };
}

let partners = 0;
/** A partner added in the admin: its id and the key shown once. */
async function addPartner(settings: Record<string, string> = {}): Promise<{ partnerId: string; key: string }> {
  const { status, outcome } = await partnersAction({
    intent: "create",
    name: `Partner ${++partners}`,
    earnMode: "per_event",
    pointsPerEvent: "40",
    ...settings,
  });
  expect(status).toBe(200);
  if (!outcome.ok || !outcome.shownKey) throw new Error(`no key: ${JSON.stringify(outcome)}`);
  return { partnerId: outcome.shownKey.partnerId, key: outcome.shownKey.key };
}

const earn = (key: string, body: unknown) =>
  fetch(`${app.url}/api/partners/earn`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", "User-Agent": BROWSER_USER_AGENT },
    body: JSON.stringify(body),
  });

const member = (customerId: number) =>
  app.prisma.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(customerId) } },
  });
const written = async () => ({
  awards: await app.prisma.partnerAward.count(),
  entries: await app.prisma.ledgerEntry.count({ where: { shopId } }),
  members: await app.prisma.member.count({ where: { shopId } }),
});

type Award = { status: string; award: { id: string; points: number; status: string; customerId: string } };

describe("a partner awards the shop's points", () => {
  it("per amount in the shop's currency: 201, a partner entry keyed by the partner and a hash of the externalId", async () => {
    const { partnerId, key } = await addPartner({ name: "Hotel Lumen", earnMode: "per_amount", pointsPerUnit: "2" });
    const before = (await member(AVA.id))!.balance;
    const response = await earn(key, {
      customer: { email: "AVA@example.com" },
      amount: "12.50",
      currency: "EUR",
      externalId: "booking-ava-2026-0001",
      description: "Two nights",
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Award;
    expect(body).toMatchObject({ status: "awarded", award: { points: 25, status: "available", customerId: "7101" } });
    expect((await member(AVA.id))!.balance).toBe(before + 25n);
    const entry = await app.prisma.ledgerEntry.findFirstOrThrow({ where: { shopId, kind: "partner" } });
    expect(entry).toMatchObject({ sourceType: "partner", sourceId: partnerId, reason: "Hotel Lumen: Two nights" });
    expect(entry.idempotencyKey).toMatch(new RegExp(`^partner:${partnerId}:[0-9a-f]{32}$`));
    expect(entry.idempotencyKey).not.toContain("booking");
    // The ledger, as the shopper reads it: the partner's name and description.
    const activity = (await (await app.proxy("/member/activity", { shop: SHOP, customerId: AVA.id })).json()) as {
      entries: { description: string }[];
    };
    expect(activity.entries.map((e) => e.description)).toContain("Points from Hotel Lumen: Two nights");
  });

  it("the same externalId again answers 200 with the first award; other content under it is refused with 409", async () => {
    const { key } = await addPartner();
    const body = { customer: { id: AVA.id }, externalId: "visit-1" };
    const first = await earn(key, body);
    expect(first.status).toBe(201);
    const original = (await first.json()) as Award;
    const counts = await written();
    const again = await earn(key, body);
    expect(again.status).toBe(200);
    expect(((await again.json()) as Award).award).toEqual(original.award);
    const reused = await earn(key, { ...body, points: 10 });
    expect(reused.status).toBe(409);
    expect(await reused.json()).toEqual({ status: "idempotency_key_reused" });
    expect(await written()).toEqual(counts);
  });

  it.skipIf(!ON_POSTGRES)("on PostgreSQL: three concurrent requests with one externalId award once", async () => {
    const { partnerId, key } = await addPartner({ pointsPerEvent: "7" });
    const before = (await member(AVA.id))!.balance;
    const body = { customer: { email: AVA.email }, externalId: "race-1" };
    const statuses = (await Promise.all([earn(key, body), earn(key, body), earn(key, body)])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 200, 201]);
    expect(await app.prisma.partnerAward.count({ where: { partnerId } })).toBe(1);
    expect((await member(AVA.id))!.balance).toBe(before + 7n);
  });

  it("a revoked key gets 401, as an unknown key does, and writes nothing", async () => {
    const { partnerId, key } = await addPartner();
    const revoked = await partnersAction({ intent: "revoke", partnerId });
    expect(revoked.outcome).toEqual({ ok: true, done: "revoked", shownKey: null });
    const counts = await written();
    const response = await earn(key, { customer: { id: AVA.id }, externalId: "after-revoke" });
    expect(response.status).toBe(401);
    const unknown = await earn(
      key.replace(/.$/, (c) => (c === "A" ? "B" : "A")),
      {
        customer: { id: AVA.id },
        externalId: "after-revoke",
      },
    );
    expect(unknown.status).toBe(401);
    expect(await response.json()).toEqual(await unknown.json());
    expect((await earn("not-a-key", {})).status).toBe(401);
    expect(await written()).toEqual(counts);
    // Revoked is final: its key cannot be rotated back to life.
    expect((await partnersAction({ intent: "rotate", partnerId })).status).toBe(404);
  });

  it("a rotated key: the old one gets 401, the new one earns", async () => {
    const { partnerId, key } = await addPartner();
    const rotated = await partnersAction({ intent: "rotate", partnerId });
    if (!rotated.outcome.ok || !rotated.outcome.shownKey) throw new Error("no new key");
    const newKey = rotated.outcome.shownKey.key;
    expect(newKey).not.toBe(key);
    expect((await earn(key, { customer: { id: AVA.id }, externalId: "rotated-1" })).status).toBe(401);
    expect((await earn(newKey, { customer: { id: AVA.id }, externalId: "rotated-1" })).status).toBe(201);
    // Only the hash is stored.
    const stored = await app.prisma.partner.findUniqueOrThrow({ where: { id: partnerId } });
    expect(JSON.stringify(stored)).not.toContain(newKey.slice(-20));
  });

  it("over the partner's daily cap per customer: 409, nothing written", async () => {
    const { key } = await addPartner({ pointsPerEvent: "30", dailyCap: "50" });
    const before = (await member(AVA.id))!.balance;
    expect((await earn(key, { customer: { id: AVA.id }, externalId: "cap-1" })).status).toBe(201);
    const counts = await written();
    const over = await earn(key, { customer: { id: AVA.id }, externalId: "cap-2" });
    expect(over.status).toBe(409);
    expect(await over.json()).toEqual({ status: "daily_cap_reached" });
    expect(await written()).toEqual(counts);
    // Fewer points still fit under the cap.
    expect((await earn(key, { customer: { id: AVA.id }, externalId: "cap-3", points: 20 })).status).toBe(201);
    expect((await member(AVA.id))!.balance).toBe(before + 50n);
  });

  it("the merchant changes a partner's settings: the next request follows them, with the same key", async () => {
    const { partnerId, key } = await addPartner({ pointsPerEvent: "30", dailyCap: "30" });
    expect((await earn(key, { customer: { id: AVA.id }, externalId: "edit-1" })).status).toBe(201);
    expect((await earn(key, { customer: { id: AVA.id }, externalId: "edit-2" })).status).toBe(409);
    const updated = await partnersAction({
      intent: "update",
      partnerId,
      name: "Partner edited",
      earnMode: "per_event",
      pointsPerEvent: "30",
      dailyCap: "60",
    });
    expect(updated.outcome).toEqual({ ok: true, done: "updated", shownKey: null });
    expect((await earn(key, { customer: { id: AVA.id }, externalId: "edit-2" })).status).toBe(201);
    // Another shop's partner, or a bad setting, changes nothing.
    expect(
      (
        await partnersAction({
          intent: "update",
          partnerId: "nope",
          name: "x",
          earnMode: "per_event",
          pointsPerEvent: "1",
        })
      ).status,
    ).toBe(404);
    expect(
      (await partnersAction({ intent: "update", partnerId, name: "x", earnMode: "per_event", pointsPerEvent: "0" }))
        .status,
    ).toBe(400);
  });

  it("with pending days: 202, the points held and not spendable", async () => {
    const { key } = await addPartner({ pointsPerEvent: "600", pendingDays: "14" });
    const before = (await member(AVA.id))!;
    const response = await earn(key, { customer: { id: AVA.id }, externalId: "pending-1" });
    expect(response.status).toBe(202);
    expect(((await response.json()) as Award).award.status).toBe("pending");
    const after = (await member(AVA.id))!;
    expect(after.balance).toBe(before.balance);
    expect(after.pending).toBe(before.pending + 600n);
    const lot = await app.prisma.pointLot.findFirstOrThrow({ where: { memberId: after.id, amount: 600n } });
    expect(lot.held).toBe(true);
    expect(lot.availableAt.getTime()).toBeGreaterThan(Date.now() + 13 * 86_400_000);
  });

  it("an amount in another currency is refused, naming both currencies", async () => {
    const { key } = await addPartner({ earnMode: "per_amount", pointsPerUnit: "1" });
    const counts = await written();
    const response = await earn(key, {
      customer: { id: AVA.id },
      amount: "10.00",
      currency: "usd",
      externalId: "usd-1",
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe("currency_mismatch");
    expect(body.message).toContain("USD");
    expect(body.message).toContain("EUR");
    expect(await written()).toEqual(counts);
  });

  it("an unknown customer is a 404, with nothing written", async () => {
    const { key } = await addPartner();
    const counts = await written();
    expect((await earn(key, { customer: { id: 999_999 }, externalId: "nobody-1" })).status).toBe(404);
    expect((await earn(key, { customer: { email: "nobody@example.com" }, externalId: "nobody-2" })).status).toBe(404);
    expect(await written()).toEqual(counts);
    expect(app.double.callsTo("CustomerCreate")).toHaveLength(0);
  });

  it("with enrolment on, an unknown email becomes a Shopify customer and a member; a known customer is found, not created", async () => {
    const { key } = await addPartner({ enrolNewCustomers: "true" });
    const response = await earn(key, { customer: { email: "newcomer@example.com" }, externalId: "enrol-1" });
    expect(response.status).toBe(201);
    const created = app.double.shop(SHOP).customers.find((c) => c.email === "newcomer@example.com");
    expect(created).toBeDefined();
    expect(((await response.json()) as Award).award.customerId).toBe(String(created!.id));
    expect((await member(created!.id))!.balance).toBe(40n);
    expect(app.double.callsTo("CustomerCreate")).toHaveLength(1);
    // Ben is a Shopify customer already: found by email, not created again.
    expect((await earn(key, { customer: { email: BEN.email }, externalId: "enrol-2" })).status).toBe(201);
    expect((await member(BEN.id))!.balance).toBe(40n);
    expect(app.double.callsTo("CustomerCreate")).toHaveLength(1);
  });

  it("an invalid body is a 400 naming the issues", async () => {
    const { key } = await addPartner();
    const counts = await written();
    const response = await earn(key, { customer: { email: "not an email" }, amount: 12.5, externalId: "" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; issues: { path: string }[] };
    expect(body.error).toBe("invalid_body");
    expect(body.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(["amount", "externalId"]));
    expect(await written()).toEqual(counts);
  });

  it("over the partner's rate limit: 429 with Retry-After, before anything is read", async () => {
    const { key } = await addPartner();
    const other = await addPartner();
    for (let i = 0; i < 60; i++) expect((await earn(key, { invalid: true })).status).toBe(400);
    const limited = await earn(key, { customer: { id: AVA.id }, externalId: "limited-1" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await app.prisma.ledgerEntry.count({ where: { reason: { contains: "limited" } } })).toBe(0);
    // Limits are per partner.
    expect((await earn(other.key, { customer: { id: AVA.id }, externalId: "limited-1" })).status).toBe(201);
  });

  it("the admin's report: points issued per partner this month, members reached, cost at the liability rate", async () => {
    const { key } = await addPartner({ name: "Café Report", pointsPerEvent: "250" });
    expect((await earn(key, { customer: { id: AVA.id }, externalId: "report-1" })).status).toBe(201);
    expect((await earn(key, { customer: { id: BEN.id }, externalId: "report-2" })).status).toBe(201);
    const response = await app.admin("/app/partners.data?_routes=routes/app.partners", SHOP);
    const data = ((await decode(response.body!)).value as Record<string, { data: { report: PartnerReport } }>)[
      "routes/app.partners"
    ]!.data;
    const month = new Date().toISOString().slice(0, 7);
    // The default program's reward: 500 points = 5.00 EUR, so a point costs one cent.
    expect(data.report.basis).toMatchObject({ points: 500, amountMinorUnits: 500 });
    expect(data.report.months.find((row) => row.partnerName === "Café Report")).toMatchObject({
      month,
      points: 500,
      membersReached: 2,
      costMinorUnits: 500,
    });
    // The loader never carries a key.
    expect(JSON.stringify(data)).not.toMatch(/tpk_[0-9a-f]{16}_/);
  });

  it("the demo's partner: `npm run demo:partner -- <email> 40` awards 40 points with the sandbox key", async () => {
    await seedDemoPartner(app.prisma, SHOP);
    await seedDemoPartner(app.prisma, SHOP);
    expect(await app.prisma.partner.count({ where: { name: DEMO_PARTNER.name } })).toBe(1);
    const before = (await member(AVA.id))!.balance;
    const { stdout } = await promisify(execFile)("npx", ["tsx", "scripts/demo-partner.ts", AVA.email, "40"], {
      env: { ...process.env, TALLY_URL: app.url },
    });
    expect(stdout).toContain(`POST /api/partners/earn as ${DEMO_PARTNER.name} for ${AVA.email} → 201`);
    expect((await member(AVA.id))!.balance).toBe(before + 40n);
  });

  it("partner points count toward VIP tiers: the member is evaluated after the award", async () => {
    await app.configureProgram(SHOP, (program) => {
      program.tiers.metric = "points_earned";
      program.tiers.levels.push({ id: "gold", name: "Gold", threshold: 1000, earnMultiplier: 1, entryBonusPoints: 0 });
    });
    const { key } = await addPartner({ pointsPerEvent: "1000", enrolNewCustomers: "true" });
    expect((await earn(key, { customer: { email: "tiered@example.com" }, externalId: "tier-1" })).status).toBe(201);
    const tiered = await app.prisma.member.findFirstOrThrow({ where: { shopId, email: "tiered@example.com" } });
    expect(tiered.tierId).toBe("gold");
  });
});
