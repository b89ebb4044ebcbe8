import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "~/loyalty/program/program";
import type { GivingReport } from "~/loyalty/reports/giving";
import { givingReport } from "~/loyalty/reports/giving.server";
import { seedDonation, seedPointsDonation } from "./support/giving-seed";
import { startTestApp, type TestApp } from "./support/test-app";

/*
 * The merchant's side of giving back (issue 24): the page and its save through the program's
 * validation, the donation product created in Shopify, and what the shop owes each cause — per cause
 * and month from Donation and PointsDonation, and as the remittance CSV.
 */

const SHOP = "giving-admin.myshopify.com";
const OTHER_SHOP = "giving-admin-other.myshopify.com";
let app: TestApp;
let shopId: string;
let otherShopId: string;

const causes = [
  { id: "trees", name: "Plant trees", description: "", url: null, startsAt: null, endsAt: null },
  { id: "sea", name: "=Clean seas", description: "", url: null, startsAt: null, endsAt: null },
];

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  await app.installShop(OTHER_SHOP);
  shopId = await app.configureProgram(SHOP, (program) => {
    program.giving = { ...program.giving, enabled: true, causes, defaultCauseId: "trees" };
  });
  otherShopId = await app.configureProgram(OTHER_SHOP, () => {});
  const member = async (shop: string, customer: string) =>
    (await app.prisma.member.create({ data: { shopId: shop, shopifyCustomerId: customer } })).id;
  const ava = await member(shopId, "1");
  const ben = await member(shopId, "2");
  const seed = (donation: Parameters<typeof seedDonation>[2]) => seedDonation(app.prisma, shopId, donation);

  // January: Ava (a member) rounds up 0.73 and gives 500 points (5.00); two guests round up, one refunded in part.
  await seed({ causeId: "trees", order: "o1", on: "2026-01-05", bought: 73, memberId: ava, customerId: "1" });
  await seedPointsDonation(app.prisma, shopId, {
    causeId: "trees",
    memberId: ava,
    on: "2026-01-20",
    points: 500,
    valueCents: 500,
  });
  await seed({ causeId: "trees", order: "o2", on: "2026-01-10", bought: 150 });
  await seed({ causeId: "trees", order: "o3", on: "2026-01-31", bought: 200, quantity: 50 });
  // February: Ava's cancelled order counts nowhere; Ben (member, the row names no customer) and a
  // customer who is not a member give to the sea, Ava gives points to it, a guest to a cause since removed.
  await seed({ causeId: "trees", order: "o4", on: "2026-02-01", bought: 99, quantity: 0, memberId: ava });
  await seed({ causeId: "sea", order: "o5", on: "2026-02-14", bought: 500, memberId: ben });
  await seed({ causeId: "sea", order: "o6", on: "2026-02-20", bought: 25, customerId: "9" });
  await seedPointsDonation(app.prisma, shopId, {
    causeId: "sea",
    memberId: ava,
    on: "2026-02-21",
    points: 200,
    valueCents: 200,
  });
  await seed({ causeId: "old", order: "o7", on: "2026-02-28", bought: 100 });
  // Outside the range, and another shop's.
  await seed({ causeId: "trees", order: "o0", on: "2025-12-31", bought: 1000 });
  await seedDonation(app.prisma, otherShopId, { causeId: "trees", order: "x1", on: "2026-01-05", bought: 7000 });
});
afterAll(async () => {
  await app?.close();
});

type PageData = { program: Program; revision: number; productState: string; report: GivingReport };

async function pageData(query = ""): Promise<PageData> {
  const response = await app.admin(`/app/giving.data${query}`, SHOP);
  expect(response.status).toBe(200);
  const decoded = (await decode(response.body!)).value as Record<string, { data: PageData }>;
  return decoded["routes/app.giving"]!.data;
}

type SaveAnswer = { ok: boolean; issues?: { path: string; message: string }[]; program?: Program };

async function submit(body: Record<string, unknown>): Promise<{ status: number; answer: SaveAnswer }> {
  const response = await app.admin("/app/giving.data", SHOP, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const decoded = (await decode(response.body!)).value as { data: SaveAnswer } | SaveAnswer;
  return { status: response.status, answer: "data" in decoded ? decoded.data : decoded };
}

const storedShop = () => app.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
const storedProgram = async () => (await storedShop()).program as unknown as Program;

describe("what the shop owes each cause", () => {
  it("sums per cause and month the round-ups still counting, the points given and their value, and the donors", async () => {
    const { report } = await pageData("?from=2026-01&to=2026-02");
    expect(report.range).toEqual({ from: "2026-01", to: "2026-02" });
    expect(report.rows).toEqual([
      {
        month: "2026-01",
        causeId: "trees",
        name: "Plant trees",
        currencyCode: "EUR",
        roundUp: "2.73",
        points: 500,
        pointsValue: "5.00",
        owed: "7.73",
        // Ava once for both gifts, and each guest by order.
        donors: 3,
      },
      {
        month: "2026-02",
        causeId: "sea",
        name: "=Clean seas",
        currencyCode: "EUR",
        roundUp: "5.25",
        points: 200,
        pointsValue: "2.00",
        owed: "7.25",
        donors: 3,
      },
      {
        month: "2026-02",
        causeId: "old",
        name: null,
        currencyCode: "EUR",
        roundUp: "1.00",
        points: 0,
        pointsValue: "0.00",
        owed: "1.00",
        donors: 1,
      },
    ]);
    expect(report.causes.map((cause) => [cause.causeId, cause.owed, cause.donors])).toEqual([
      ["trees", "7.73", 3],
      ["sea", "7.25", 3],
      ["old", "1.00", 1],
    ]);
    expect(report.owed).toEqual([{ currencyCode: "EUR", amount: "15.98" }]);
    expect(report.donors).toBe(6);
    expect(report.points).toBe(700);
  });

  it("covers this calendar year unless asked, and a malformed range shows it too", async () => {
    const year = new Date().getUTCFullYear();
    expect((await pageData()).report.range).toEqual({ from: `${year}-01`, to: `${year}-12` });
    expect((await pageData("?from=2026-13")).report.range).toEqual({ from: `${year}-01`, to: `${year}-12` });
  });

  it("is the shop's own", async () => {
    const report = await givingReport(app.prisma, { id: otherShopId, currencyCode: "EUR" }, [], {
      from: "2025-01",
      to: "2026-12",
    });
    expect(report.rows.map((row) => [row.month, row.causeId, row.roundUp])).toEqual([["2026-01", "trees", "70.00"]]);
  });

  it("exports the remittance CSV: one row per cause, month and currency, formulas escaped", async () => {
    const response = await app.admin("/app/export/giving?from=2025-12&to=2026-02", SHOP);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="tally-giving-2025-12-2026-02.csv"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM: Excel reads UTF-8
    expect(new TextDecoder().decode(bytes)).toBe(
      [
        "month,cause_id,cause_name,currency,round_up_amount,points_donated,points_value,total_owed,donors",
        "2025-12,trees,Plant trees,EUR,10.00,0,0.00,10.00,1",
        "2026-01,trees,Plant trees,EUR,2.73,500,5.00,7.73,3",
        "2026-02,sea,'=Clean seas,EUR,5.25,200,2.00,7.25,3",
        "2026-02,old,,EUR,1.00,0,0.00,1.00,1",
      ].join("\n") + "\n",
    );
  });

  it("refuses a malformed range for the CSV (400)", async () => {
    expect((await app.admin("/app/export/giving?from=2026-02&to=2026-01", SHOP)).status).toBe(400);
    expect((await app.admin("/app/export/giving?from=26-01", SHOP)).status).toBe(400);
  });
});

describe("the giving page's save", () => {
  it("saves causes, the round-up and points donation through the program's validation", async () => {
    const { program, revision, productState } = await pageData();
    expect(productState).toBe("unset");
    program.giving.causes.push({
      id: "bees",
      name: "Save the bees",
      description: "Hives in our town.",
      url: "https://bees.example.org",
      translations: { fr: { name: "Sauver les abeilles", description: "Des ruches en ville." } },
      startsAt: "2026-03-01T00:00:00.000Z",
      endsAt: "2026-09-01T00:00:00.000Z",
    });
    program.giving.roundUp = { ...program.giving.roundUp, enabled: true, rule: "fixed", fixedAmounts: [1, 3] };
    program.giving.points = { enabled: true, pointsPerUnit: 200, step: 50 };
    program.giving.bonusPointsPerUnit = 10;
    const { status, answer } = await submit({ program, revision });
    expect(status).toBe(200);
    expect(answer.ok).toBe(true);
    const { giving } = await storedProgram();
    expect(giving.causes.map((cause) => cause.id)).toEqual(["trees", "sea", "bees"]);
    expect(giving.causes[2]!.translations?.fr?.name).toBe("Sauver les abeilles");
    expect(giving.roundUp).toMatchObject({ enabled: true, rule: "fixed", fixedAmounts: [1, 3] });
    expect(giving.points).toEqual({ enabled: true, pointsPerUnit: 200, step: 50 });
    expect(giving.bonusPointsPerUnit).toBe(10);
  });

  it("refuses what does not validate (422) and writes nothing", async () => {
    const before = await storedShop();
    const { program, revision } = await pageData();
    program.giving.defaultCauseId = null;
    program.giving.causes[0]!.url = "http://trees.example.org";
    program.giving.causes[1]!.endsAt = "2026-01-01T00:00:00.000Z";
    program.giving.causes[1]!.startsAt = "2026-02-01T00:00:00.000Z";
    const { status, answer } = await submit({ program, revision });
    expect(status).toBe(422);
    expect(answer.issues?.map((issue) => issue.path).sort()).toEqual([
      "giving.causes.0.url",
      "giving.causes.1.endsAt",
      "giving.defaultCauseId",
    ]);
    const after = await storedShop();
    expect(after.programRevision).toBe(before.programRevision);
    expect(after.program).toEqual(before.program);
  });

  it("creates the donation product in Shopify at one cent and saves its ids; once deleted it shows missing", async () => {
    const { program, revision } = await pageData();
    program.giving.roundUp.taxable = true;
    const { status } = await submit({ intent: "create-product", program, revision });
    expect(status).toBe(200);
    const [product] = app.double.shop(SHOP).products!;
    expect(product).toMatchObject({ title: "Donation", status: "UNLISTED", tags: ["tally-donation"] });
    expect(product!.variants).toEqual([
      expect.objectContaining({ price: "0.01", sku: "tally-donation", taxable: true, requiresShipping: false }),
    ]);
    const { roundUp } = (await storedProgram()).giving;
    expect(roundUp).toMatchObject({
      productId: String(product!.id),
      variantId: String(product!.variants![0]!.id),
      taxable: true,
    });
    expect((await pageData()).productState).toBe("created");

    app.double.deleteProduct(SHOP, product!.id);
    expect((await pageData()).productState).toBe("missing");
  });

  it("does not ask Shopify for a product when the document does not validate", async () => {
    const calls = app.double.callsTo("CreateDonationProduct").length;
    const { program, revision } = await pageData();
    program.giving.points.step = 0;
    const { status } = await submit({ intent: "create-product", program, revision });
    expect(status).toBe(422);
    expect(app.double.callsTo("CreateDonationProduct")).toHaveLength(calls);
  });
});
