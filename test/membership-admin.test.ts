import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMembers } from "~/loyalty/members/list.server";
import type { Program } from "~/loyalty/program/program";
import { membershipFigures } from "~/loyalty/reports/membership.server";
import { startTestApp, type TestApp } from "./support/test-app";

/*
 * The merchant's side of the paid membership (issue 22): the figures read from the membership's
 * tables, the members list's "Paid members", and the page's save, which refuses a variant that is
 * not the shop's and creates the product in Shopify.
 */

const SHOP = "membership-admin.myshopify.com";
const OTHER_SHOP = "membership-admin-other.myshopify.com";
const NOW = new Date("2026-06-15T12:00:00Z");
let app: TestApp;
let shopId: string;
let otherShopId: string;

const at = (iso: string) => new Date(`${iso}T10:00:00Z`);

async function member(shop: string, key: string) {
  const { id } = await app.prisma.member.create({
    data: { shopId: shop, shopifyCustomerId: key, email: `${key}@example.com` },
  });
  return id;
}

/** A term as the lifecycle leaves it, with the paid lines behind it (the first started it). */
async function term(
  shop: string,
  memberId: string,
  term: { startedAt: string; paidThrough: string; lines: { paidAt: string; cents: number; quantity?: number }[] },
) {
  await app.prisma.membershipTerm.create({
    data: {
      shopId: shop,
      memberId,
      planId: "monthly",
      startedAt: at(term.startedAt),
      paidThrough: at(term.paidThrough),
      startedBy: `${memberId}:${term.startedAt}`,
      renewals: term.lines.length - 1,
    },
  });
  for (const line of term.lines) {
    const orderId = `${memberId}-${line.paidAt}`;
    await app.prisma.membershipGrant.create({
      data: {
        shopId: shop,
        memberId,
        orderId,
        shopifyOrderId: orderId,
        lineItemId: "1",
        planId: "monthly",
        paidAt: at(line.paidAt),
        bought: 1,
        quantity: line.quantity ?? 1,
        amountCents: BigInt(line.cents),
        currencyCode: "EUR",
      },
    });
  }
}

async function paid(shop: string, memberId: string, status: "active" | "grace" | "ended", paidThrough: string) {
  await app.prisma.paidMembership.create({
    data: {
      memberId,
      shopId: shop,
      planId: "monthly",
      startedAt: at("2026-01-01"),
      paidThrough: at(paidThrough),
      startedBy: "x",
      status,
    },
  });
}

async function order(shop: string, memberId: string | null, placedAt: string, cents: number, test = false) {
  const id = `${shop}-${memberId}-${placedAt}-${cents}`;
  await app.prisma.order.create({
    data: {
      shopId: shop,
      shopifyOrderId: id,
      memberId,
      placedAt: at(placedAt),
      paidAt: at(placedAt),
      currencyCode: "EUR",
      eligibleCents: BigInt(cents),
      test,
    },
  });
}

let ava: string; // yearly since January: paying
let ben: string; // February, renewed in March, lapsed in April
let cleo: string; // March, lapsed in April, back in May: paying

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  await app.installShop(OTHER_SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.membership.graceDays = 7;
  });
  otherShopId = await app.configureProgram(OTHER_SHOP, () => {});

  ava = await member(shopId, "1");
  ben = await member(shopId, "2");
  cleo = await member(shopId, "3");
  await member(shopId, "4");
  await term(shopId, ava, {
    startedAt: "2026-01-10",
    paidThrough: "2027-01-10",
    lines: [{ paidAt: "2026-01-10", cents: 7900 }],
  });
  await term(shopId, ben, {
    startedAt: "2026-02-05",
    paidThrough: "2026-04-05",
    lines: [
      { paidAt: "2026-02-05", cents: 900 },
      { paidAt: "2026-03-04", cents: 900 },
    ],
  });
  await term(shopId, cleo, {
    startedAt: "2026-03-01",
    paidThrough: "2026-04-01",
    lines: [{ paidAt: "2026-03-01", cents: 900 }],
  });
  await term(shopId, cleo, {
    startedAt: "2026-05-20",
    paidThrough: "2026-06-20",
    lines: [
      { paidAt: "2026-05-20", cents: 900 },
      // Refunded in full: neither a renewal nor revenue.
      { paidAt: "2026-05-25", cents: 900, quantity: 0 },
    ],
  });
  await paid(shopId, ava, "active", "2027-01-10");
  await paid(shopId, ben, "ended", "2026-04-05");
  await paid(shopId, cleo, "grace", "2026-06-20");
  await order(shopId, ava, "2026-02-01", 10000);
  await order(shopId, ben, "2026-05-01", 4000); // after Ben's membership lapsed
  await order(shopId, null, "2026-03-01", 2000);
  await order(shopId, ava, "2026-02-02", 99900, true); // a test order counts nowhere

  // Another shop's membership and orders count nowhere here.
  const other = await member(otherShopId, "1");
  await term(otherShopId, other, {
    startedAt: "2026-03-02",
    paidThrough: "2026-04-02",
    lines: [{ paidAt: "2026-03-02", cents: 500 }],
  });
  await paid(otherShopId, other, "active", "2026-07-01");
  await order(otherShopId, other, "2026-03-03", 50000);
});
afterAll(async () => {
  await app?.close();
});

describe("the paid membership's figures", () => {
  it("count paying members, and per month the new, renewed and lapsed memberships, churn and revenue", async () => {
    const figures = await membershipFigures(app.prisma, shopId, { graceDays: 7, now: NOW });
    expect(figures.activeMembers).toBe(2);
    expect(figures.months.map((month) => month.month)).toEqual([
      "2025-07",
      "2025-08",
      "2025-09",
      "2025-10",
      "2025-11",
      "2025-12",
      "2026-01",
      "2026-02",
      "2026-03",
      "2026-04",
      "2026-05",
      "2026-06",
    ]);
    const byMonth = Object.fromEntries(figures.months.map((month) => [month.month, month]));
    expect(byMonth["2026-01"]).toMatchObject({ started: 1, renewed: 0, lapsed: 0, activeAtStart: 0, churn: null });
    expect(byMonth["2026-02"]).toMatchObject({ started: 1, renewed: 0, lapsed: 0, activeAtStart: 1, churn: 0 });
    expect(byMonth["2026-03"]).toMatchObject({ started: 1, renewed: 1, lapsed: 0, activeAtStart: 2 });
    // Ben's end plus grace (April 12) and Cleo's (April 8): both lapsed in April, of 3 paying on April 1.
    expect(byMonth["2026-04"]).toMatchObject({ started: 0, renewed: 0, lapsed: 2, activeAtStart: 3 });
    expect(byMonth["2026-04"]!.churn).toBeCloseTo(2 / 3);
    expect(byMonth["2026-05"]).toMatchObject({ started: 1, renewed: 0, lapsed: 0, activeAtStart: 1, churn: 0 });
    // Cleo's term ends June 27 with its grace: not lapsed yet.
    expect(byMonth["2026-06"]).toMatchObject({ started: 0, renewed: 0, lapsed: 0, activeAtStart: 2 });
    expect(figures.months.map((month) => [month.month, month.revenue])).toEqual(
      expect.arrayContaining([
        ["2026-01", [{ currencyCode: "EUR", amount: 79 }]],
        ["2026-02", [{ currencyCode: "EUR", amount: 9 }]],
        ["2026-03", [{ currencyCode: "EUR", amount: 18 }]],
        ["2026-04", []],
        ["2026-05", [{ currencyCode: "EUR", amount: 9 }]],
      ]),
    );
    expect(figures.spend).toEqual({
      currencyCode: "EUR",
      members: { orders: 1, average: 100 },
      others: { orders: 2, average: 30 },
    });
  });

  it("are the shop's own", async () => {
    const figures = await membershipFigures(app.prisma, otherShopId, { graceDays: 7, now: NOW });
    expect(figures.activeMembers).toBe(1);
    expect(figures.months.find((month) => month.month === "2026-03")).toMatchObject({ started: 1, renewed: 0 });
    expect(figures.spend?.members).toEqual({ orders: 1, average: 500 });
  });
});

describe("the members list", () => {
  it("'Paid members' shows those whose membership is active or in its grace, with their status", async () => {
    const page = await listMembers(app.prisma, shopId, { filter: "paid", sort: "email", direction: "asc" });
    expect(page.members.map((row) => [row.email, row.paidStatus])).toEqual([
      ["1@example.com", "active"],
      ["3@example.com", "grace"],
    ]);
    const all = await listMembers(app.prisma, shopId, { sort: "email", direction: "asc" });
    expect(all.members.map((row) => row.paidStatus)).toEqual(["active", "ended", "grace", null]);
  });
});

type SaveAnswer = { ok: boolean; issues?: { path: string; message: string }[]; program?: Program; revision?: number };

async function pageData() {
  const response = await app.admin("/app/membership.data", SHOP);
  expect(response.status).toBe(200);
  const decoded = (await decode(response.body!)).value as Record<
    string,
    { data: { program: Program; revision: number; health: { status: string; planIds?: string[] } } }
  >;
  return decoded["routes/app.membership"]!.data;
}

async function submit(body: Record<string, unknown>): Promise<{ status: number; answer: SaveAnswer }> {
  const response = await app.admin("/app/membership.data", SHOP, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const decoded = (await decode(response.body!)).value as { data: SaveAnswer } | SaveAnswer;
  return { status: response.status, answer: "data" in decoded ? decoded.data : decoded };
}

const storedProgram = async () =>
  (await app.prisma.shop.findUniqueOrThrow({ where: { id: shopId } })).program as unknown as Program;

describe("the membership page's save", () => {
  const plans = [
    {
      id: "monthly",
      name: "Monthly",
      interval: "month",
      intervalCount: 1,
      price: 9,
      variantId: null,
      productHandle: null,
    },
    {
      id: "yearly",
      name: "Yearly",
      interval: "year",
      intervalCount: 1,
      price: 79,
      variantId: null,
      productHandle: null,
    },
  ];

  it("creates the product in Shopify with a variant per plan and saves their ids", async () => {
    const { program, revision } = await pageData();
    program.membership = {
      ...program.membership,
      enabled: true,
      name: "Club",
      plans: plans as Program["membership"]["plans"],
    };
    const { status, answer } = await submit({ intent: "create-product", program, revision, taxable: false });
    expect(status).toBe(200);
    expect(answer.ok).toBe(true);
    const [product] = app.double.shop(SHOP).products!;
    expect(product).toMatchObject({ title: "Club", status: "UNLISTED", handle: "club" });
    expect(product!.variants!.map((v) => [v.title, v.price, v.taxable, v.requiresShipping])).toEqual([
      ["Monthly", "9.00", false, false],
      ["Yearly", "79.00", false, false],
    ]);
    const saved = (await storedProgram()).membership.plans;
    expect(saved.map((plan) => [plan.id, plan.variantId, plan.productHandle])).toEqual([
      ["monthly", String(product!.variants![0]!.id), "club"],
      ["yearly", String(product!.variants![1]!.id), "club"],
    ]);
    expect((await pageData()).health).toEqual({ status: "ok" });
  });

  it("refuses a variant that is not the shop's (422) and writes nothing", async () => {
    const foreign = await (async () => {
      const other = app.double.shop(OTHER_SHOP);
      other.products = [
        {
          id: 55,
          tags: [],
          productType: "",
          collectionIds: [],
          variants: [
            { id: 5501, title: "x", price: "1.00", sku: null, taxable: true, requiresShipping: false, tracked: false },
          ],
        },
      ];
      return "5501";
    })();
    const before = await app.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
    const { program, revision } = await pageData();
    program.membership.plans[1]!.variantId = foreign;
    const { status, answer } = await submit({ program, revision });
    expect(status).toBe(422);
    expect(answer.issues).toEqual([
      { path: "membership.plans.1.variantId", message: expect.stringContaining("not a product variant of this shop") },
    ]);
    const after = await app.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
    expect(after.programRevision).toBe(before.programRevision);
    expect(after.program).toEqual(before.program);
  });

  it("refuses a document that does not validate (422)", async () => {
    const { program, revision } = await pageData();
    program.membership.graceDays = -1;
    const { status, answer } = await submit({ program, revision });
    expect(status).toBe(422);
    expect(answer.issues?.map((issue) => issue.path)).toContain("membership.graceDays");
  });

  it("shows the offer as broken once the product is deleted in Shopify; other changes still save", async () => {
    const [product] = app.double.shop(SHOP).products!;
    app.double.deleteProduct(SHOP, product!.id);
    const { program, revision, health } = await pageData();
    expect(health).toEqual({ status: "broken", planIds: ["monthly", "yearly"] });
    program.membership.graceDays = 10;
    const { status } = await submit({ program, revision });
    expect(status).toBe(200);
    expect((await storedProgram()).membership.graceDays).toBe(10);
  });

  it("mends a broken offer: creating the product again gives the plans new variants", async () => {
    const { program, revision } = await pageData();
    const { status } = await submit({ intent: "create-product", program, revision });
    expect(status).toBe(200);
    const products = app.double.shop(SHOP).products!;
    expect(products).toHaveLength(1);
    expect((await storedProgram()).membership.plans.map((plan) => plan.variantId)).toEqual(
      products[0]!.variants!.map((variant) => String(variant.id)),
    );
    expect((await pageData()).health).toEqual({ status: "ok" });
  });
});
