import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { decode } from "turbo-stream";
import { inTransaction } from "~/db/transaction.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { parseMemberCsv } from "~/loyalty/members/import";
import {
  confirmImport,
  getImport,
  IMPORT_BATCH,
  listImports,
  previewImport,
  runMemberImports,
  type ImportPreview,
  type ImportProgress,
} from "~/loyalty/members/import.server";
import { csvStream, EXPORT_PAGE, ledgerCsvChunks, memberCsvChunks } from "~/loyalty/members/export.server";
import { forgetCustomer } from "~/loyalty/members/members.server";
import { redactCustomer } from "~/loyalty/members/privacy.server";
import { loadShop } from "~/loyalty/program/program.server";
import type { DoubleCustomer, RecordedCall } from "../sandbox/admin-api-double";
import { ON_POSTGRES } from "./support/database";
import { startTestApp, type TestApp } from "./support/test-app";

const SHOP = "import-shop.myshopify.com";
const GONE = "import-gone.myshopify.com";
const BIG = "import-big.myshopify.com";
/** A shop whose customers' addresses are written in mixed case, imported through the admin page. */
const PAGE = "import-page.myshopify.com";
let app: TestApp;
const shopIds: Record<string, string> = {};
// Over one batch, so resuming after a batch can be seen.
const BULK = IMPORT_BATCH + 70;
const noSleep = { sleep: async () => {} };
/** One pass of the job, with time enough to finish what it starts on a slow machine. */
const runJob = (now = new Date(), options: { maxBatches?: number; gateway?: { maxAttempts: number } } = {}) =>
  runMemberImports(
    app.prisma,
    now,
    { ...noSleep, ...options.gateway },
    { budgetMs: 120_000, maxBatches: options.maxBatches },
  );

const customer = (id: number, email: string, extra: Partial<DoubleCustomer> = {}): DoubleCustomer => ({
  id,
  email,
  firstName: `First${id}`,
  lastName: `Last${id}`,
  phone: null,
  tags: [],
  createdAt: "2026-01-01T00:00:00Z",
  numberOfOrders: 0,
  amountSpent: "0.00",
  ...extra,
});

const CUSTOMERS = [
  customer(101, "ann@example.com", { firstName: "Ann", lastName: "Archer" }),
  customer(102, "bob@example.com"),
  customer(103, "cat@example.com"),
  customer(104, "eve@example.com"),
  customer(105, "fay@example.com"),
  customer(106, "gus@example.com"),
  customer(107, "hal@example.com", { firstName: '=HYPERLINK("https://evil.test","click")', lastName: "@SUM(A1)" }),
  customer(108, "ida@example.com"),
  customer(109, "jon@example.com"),
  ...Array.from({ length: BULK }, (_, i) => customer(20_000 + i, `bulk${i}@example.com`)),
  ...Array.from({ length: BULK }, (_, i) => customer(30_000 + i, `twin${i}@example.com`)),
];

beforeAll(async () => {
  app = await startTestApp();
  // Plus: the large files look up over a thousand customers, more than a standard bucket holds.
  await app.installShop(SHOP, { customers: CUSTOMERS, plan: "plus" });
  shopIds[SHOP] = await app.configureProgram(SHOP, (program) => {
    program.expiry = { mode: "fixed", days: 365, remindDaysBefore: [] };
    program.tiers = {
      ...program.tiers,
      levels: [
        { id: "silver", name: "Silver", threshold: 100, earnMultiplier: 1, entryBonusPoints: 25 },
        { id: "gold", name: "Gold", threshold: 500, earnMultiplier: 2, entryBonusPoints: 50 },
      ],
    };
  });
  await app.installShop(PAGE, {
    plan: "plus",
    customers: [
      customer(401, "Mia.Upper@Example.COM"),
      customer(402, "ned@example.com"),
      customer(403, "ola@example.com"),
      ...Array.from({ length: 1_200 }, (_, i) => customer(40_000 + i, `Many${i}@Example.com`)),
    ],
  });
  for (const shop of [GONE, BIG, PAGE]) {
    if (shop !== PAGE) await app.installShop(shop, { customers: [customer(301, "kim@example.com")] });
    await app.admin("/api/program", shop);
    shopIds[shop] = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id;
  }
});
afterAll(() => app?.close());
afterEach(async () => {
  for (const shopId of Object.values(shopIds)) expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

async function preview(csv: string, shop = SHOP): Promise<ImportPreview> {
  const result = await previewImport(
    app.prisma,
    { id: shopIds[shop]! },
    { csv, fileName: "members.csv", staffId: "42" },
  );
  if (!result.ok) throw new Error(result.error);
  return result.preview;
}

/** Preview, confirm and run the job until the import is finished. */
async function importFile(csv: string) {
  const { id } = await preview(csv);
  await confirmImport(app.prisma, shopIds[SHOP]!, id);
  await runJob();
  return (await getImport(app.prisma, shopIds[SHOP]!, id))!;
}

const member = (customerId: number, shop = SHOP) =>
  app.prisma.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId: shopIds[shop]!, shopifyCustomerId: String(customerId) } },
  });
const balance = async (customerId: number) => {
  const found = await member(customerId);
  return found ? Number(found.balance) : null;
};

async function collect(chunks: AsyncGenerator<string>): Promise<string> {
  let text = "";
  for await (const chunk of chunks) text += chunk;
  return text;
}

const SMILE_FILE = [
  "First name,Last name,Email,Points balance,VIP tier,Date of birth,Referral URL",
  'Ann,Archer,ANN@example.com,"1,200",gold,1990-05-14,https://smile.test/r/ann',
  "Bob,Baker,bob@example.com,300,,05/04/1985,",
].join("\r\n");

describe("importing a Smile.io export", () => {
  it("previews the file without touching any balance", async () => {
    const shown = await preview(`\uFEFF${SMILE_FILE}`);
    expect(shown).toMatchObject({
      format: "smile",
      fileName: "members.csv",
      status: "previewed",
      totalRows: 2,
      validRows: 2,
      totalPoints: 1500,
      rowErrors: [],
      rowErrorCount: 0,
      unknownTiers: [],
      staffId: "42",
    });
    expect(await member(101)).toBeNull();
    expect((await listImports(app.prisma, shopIds[SHOP]!))[0]!.id).toBe(shown.id);
    await app.prisma.memberImport.delete({ where: { id: shown.id } });
  });

  it("imports the balances as spendable points with the program's expiry, the tier and the birthday", async () => {
    const before = new Date();
    const done = await importFile(SMILE_FILE);
    expect(done).toMatchObject({ status: "done", processedRows: 2, importedRows: 2, skippedRows: 0, rowErrorCount: 0 });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(await member(101)).toMatchObject({
      balance: 1200,
      pending: 0,
      email: "ann@example.com",
      firstName: "Ann",
      lastName: "Archer",
      tierId: "gold",
      birthday: new Date("1990-05-14T00:00:00Z"),
    });
    expect(await member(102)).toMatchObject({ balance: 300, tierId: null, birthday: new Date("1985-05-04T00:00:00Z") });

    const entry = await app.prisma.ledgerEntry.findUniqueOrThrow({
      where: { shopId_idempotencyKey: { shopId: shopIds[SHOP]!, idempotencyKey: "import:opening:101" } },
    });
    expect(entry).toMatchObject({
      kind: "import",
      delta: 1200,
      pendingDelta: 0,
      sourceType: "import",
      sourceId: done.id,
      staffId: "42",
    });
    expect(entry.reason).toBe("Opening balance from Smile.io");
    const lot = await app.prisma.pointLot.findFirstOrThrow({ where: { memberId: entry.memberId } });
    expect(lot).toMatchObject({ amount: 1200, remaining: 1200, held: false, source: "import" });
    expect(lot.expiresAt!.getTime() - before.getTime()).toBeGreaterThanOrEqual(365 * 86_400_000 - 1000);

    // The imported tier is held, so the hourly re-evaluation does not take it away at once.
    const ann = (await member(101))!;
    expect(ann.tierHeldUntil!.getTime()).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    const change = await app.prisma.tierChange.findFirstOrThrow({ where: { memberId: ann.id } });
    expect(change).toMatchObject({ fromTierId: null, toTierId: "gold", cause: "import" });
    // No tier entry bonus and no Flow event for a tier the member already had elsewhere.
    expect(await app.prisma.ledgerEntry.count({ where: { memberId: ann.id } })).toBe(1);

    // The emails are gone once the import is done.
    expect(await app.prisma.memberImportRow.count({ where: { importId: done.id } })).toBe(0);
  });

  it("never grants an opening balance twice: the same file again, and the job again", async () => {
    const again = await importFile(SMILE_FILE);
    expect(again).toMatchObject({ status: "done", processedRows: 2, importedRows: 0, skippedRows: 2 });
    expect(again.rowErrors).toEqual([
      { line: 2, message: "already imported", skipped: true },
      { line: 3, message: "already imported", skipped: true },
    ]);
    await runJob();
    expect(await balance(101)).toBe(1200);
    expect(await balance(102)).toBe(300);
    expect(await app.prisma.ledgerEntry.count({ where: { shopId: shopIds[SHOP]!, kind: "import" } })).toBe(2);
  });

  it("does not double an opening balance given by another file, nor replace a tier or birthday the member has", async () => {
    const other = await importFile("email,points,tier,birthday\nann@example.com,999,Silver,2001-01-01\n");
    expect(other).toMatchObject({ importedRows: 0, skippedRows: 1 });
    expect(await member(101)).toMatchObject({
      balance: 1200,
      tierId: "gold",
      birthday: new Date("1990-05-14T00:00:00Z"),
    });
  });
});

describe("importing a plain file with problems", () => {
  it("reports bad rows with their line and imports the rest", async () => {
    const csv = [
      "email,points,tier",
      "cat@example.com,50,Platinum",
      "not-an-email,10,",
      "eve@example.com,12.5,",
      "nobody@example.com,10,",
      "fay@example.com,70,silver",
      "cat@example.com,80,",
    ].join("\n");
    const shown = await preview(csv);
    expect(shown).toMatchObject({
      format: "plain",
      totalRows: 6,
      validRows: 3,
      totalPoints: 130,
      unknownTiers: ["Platinum"],
    });
    expect(shown.rowErrors).toEqual([
      { line: 3, message: "email is not a valid address" },
      { line: 4, message: 'points must be a whole number ("12.5")' },
      { line: 7, message: "duplicate of line 2" },
    ]);
    await confirmImport(app.prisma, shopIds[SHOP]!, shown.id);
    await runJob();
    const done = (await getImport(app.prisma, shopIds[SHOP]!, shown.id))!;
    expect(done).toMatchObject({ status: "done", processedRows: 3, importedRows: 2, skippedRows: 0, rowErrorCount: 5 });
    expect(done.rowErrors).toEqual([
      { line: 2, message: 'tier "Platinum" is not one of the program\'s tiers (points imported without it)' },
      { line: 3, message: "email is not a valid address" },
      { line: 4, message: 'points must be a whole number ("12.5")' },
      { line: 5, message: "no Shopify customer with this email" },
      { line: 7, message: "duplicate of line 2" },
    ]);
    expect(await member(103)).toMatchObject({ balance: 50, tierId: null });
    expect(await member(105)).toMatchObject({ balance: 70, tierId: "silver" });
    expect(await member(104)).toBeNull();
    // Never a member, nor a Shopify customer, for an email Shopify does not know.
    expect(await app.prisma.member.count({ where: { shopId: shopIds[SHOP]!, email: "nobody@example.com" } })).toBe(0);
    expect(app.double.shop(SHOP).customers.some((c) => c.email === "nobody@example.com")).toBe(false);
  });

  it("refuses a file whose columns it does not recognise, and keeps nothing", async () => {
    const count = await app.prisma.memberImport.count();
    const result = await previewImport(
      app.prisma,
      { id: shopIds[SHOP]! },
      { csv: "name,balance\nAnn,3\n", fileName: "x.csv", staffId: null },
    );
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/columns were not recognised/) });
    expect(await app.prisma.memberImport.count()).toBe(count);
  });

  const uploadFile = (csv: string) =>
    app.admin("/app/import.data", SHOP, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ intent: "preview", csv, fileName: "members.csv" }),
    });

  it("refuses a file with a cell over 10,000 characters (400, naming its line and column), and keeps nothing", async () => {
    const count = await app.prisma.memberImport.count();
    const response = await uploadFile(
      `email,points,tier\nann@example.com,5,\nbob@example.com,7,${"x".repeat(15 * 1024 * 1024)}\n`,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Line 3, column C: the cell is longer than 10,000 characters");
    expect(await app.prisma.memberImport.count()).toBe(count);
  });

  it("refuses an address or tier longer than one can be as a row error, and imports the rest", async () => {
    const shown = await preview(
      `email,points,tier\n${"a".repeat(9_000)}@example.com,5,\nhal@example.com,5,${"t".repeat(200)}\nann@example.com,5,\n`,
    );
    expect(shown).toMatchObject({
      validRows: 1,
      rowErrors: [
        { line: 2, message: "email is longer than an address can be" },
        { line: 3, message: "tier name is longer than 100 characters" },
      ],
    });
  });

  it("writes a preview in one transaction: a failure part-way leaves nothing behind", async () => {
    const count = await app.prisma.memberImport.count();
    // A database that refuses the file's last row, after the import and its first rows are written.
    await app.prisma.$executeRawUnsafe(
      `CREATE FUNCTION refuse_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`,
    );
    await app.prisma.$executeRawUnsafe(
      `CREATE TRIGGER refuse_row BEFORE INSERT ON "MemberImportRow" FOR EACH ROW WHEN (NEW.email = 'last@example.com') EXECUTE FUNCTION refuse_row()`,
    );
    try {
      const rows = Array.from({ length: 6_000 }, (_, i) => `row${i}@example.com,1`);
      const response = await uploadFile(["email,points", ...rows, "last@example.com,1"].join("\n"));
      expect(response.status).toBe(500);
    } finally {
      await app.prisma.$executeRawUnsafe(`DROP TRIGGER refuse_row ON "MemberImportRow"`);
      await app.prisma.$executeRawUnsafe(`DROP FUNCTION refuse_row()`);
    }
    expect(await app.prisma.memberImport.count()).toBe(count);
    expect(await app.prisma.memberImportRow.count({ where: { email: "row1@example.com" } })).toBe(0);
  });

  it("leaves a preview alone until it is confirmed, and drops it after a day", async () => {
    const { id } = await preview("email,points\ngus@example.com,5\n");
    await runJob();
    expect(await member(106)).toBeNull();
    await runJob(new Date(Date.now() + 25 * 3_600_000));
    expect(await getImport(app.prisma, shopIds[SHOP]!, id)).toBeNull();
    expect(await confirmImport(app.prisma, shopIds[SHOP]!, id)).toBeNull();
  });
});

describe("a large import", () => {
  const bulkFile = (prefix: string) =>
    ["email,points", ...Array.from({ length: BULK }, (_, i) => `${prefix}${i}@example.com,${i + 1}`)].join("\n");
  const bulkTotal = (BULK * (BULK + 1)) / 2;
  const pointsOf = async (prefix: string) =>
    Number(
      (
        await app.prisma.member.aggregate({
          where: { shopId: shopIds[SHOP]!, email: { startsWith: prefix } },
          _sum: { balance: true },
        })
      )._sum.balance ?? 0,
    );

  it("commits each batch with its progress and resumes after a crash without doubling", async () => {
    const { id } = await preview(bulkFile("bulk"));
    await confirmImport(app.prisma, shopIds[SHOP]!, id);
    await runJob(new Date(), { maxBatches: 1 });
    expect(await getImport(app.prisma, shopIds[SHOP]!, id)).toMatchObject({
      status: "running",
      processedRows: IMPORT_BATCH,
      importedRows: IMPORT_BATCH,
      validRows: BULK,
    });
    expect(await pointsOf("bulk")).toBe((IMPORT_BATCH * (IMPORT_BATCH + 1)) / 2);

    // The worker died here; the next pass picks up at the next batch.
    await runJob();
    expect(await getImport(app.prisma, shopIds[SHOP]!, id)).toMatchObject({
      status: "done",
      processedRows: BULK,
      importedRows: BULK,
    });
    expect(await pointsOf("bulk")).toBe(bulkTotal);
  });

  it.skipIf(!ON_POSTGRES)("on PostgreSQL: is applied once when two workers run the job at the same time", async () => {
    const { id } = await preview(bulkFile("twin"));
    await confirmImport(app.prisma, shopIds[SHOP]!, id);
    await Promise.all([runJob(), runJob()]);
    await runJob();
    expect(await getImport(app.prisma, shopIds[SHOP]!, id)).toMatchObject({
      status: "done",
      processedRows: BULK,
      importedRows: BULK,
      skippedRows: 0,
    });
    expect(await pointsOf("twin")).toBe(bulkTotal);
  });
});

describe("customer erasure while an import waits", () => {
  it("removes the shopper's row from a waiting import, which then skips it", async () => {
    const { id } = await preview("email,points,birthday\nida@example.com,40,1980-01-01\njon@example.com,60,\n");
    await app.prisma.member.create({
      data: { shopId: shopIds[SHOP]!, shopifyCustomerId: "109", email: "jon@example.com" },
    });
    const shop = await loadShop(app.prisma, shopIds[SHOP]!);
    await inTransaction(app.prisma, async (tx) => {
      // customers/redact names the email; customers/delete finds it on the member.
      await redactCustomer(
        tx,
        { id: shop.id, domain: shop.domain },
        { shopifyCustomerId: "108", ordersToRedact: [], email: "IDA@example.com" },
      );
      await forgetCustomer(tx, shop, "109", new Date());
    });
    const stored = await app.prisma.memberImportRow.findMany({ where: { importId: id }, orderBy: { n: "asc" } });
    expect(stored.map((row) => [row.line, row.email, row.tier, row.birthday])).toEqual([
      [2, null, null, null],
      [3, null, null, null],
    ]);
    expect(
      JSON.stringify(stored, (_key, value: unknown) => (typeof value === "bigint" ? Number(value) : value)),
    ).not.toMatch(/ida@|jon@|1980/);

    await confirmImport(app.prisma, shopIds[SHOP]!, id);
    await runJob();
    expect(await getImport(app.prisma, shopIds[SHOP]!, id)).toMatchObject({
      status: "done",
      importedRows: 0,
      skippedRows: 2,
    });
    expect(await member(108)).toBeNull();
  });
});

describe("an import Shopify will not answer", () => {
  it("fails, and lets go of the rows, when the shop has uninstalled", async () => {
    const result = await previewImport(
      app.prisma,
      { id: shopIds[GONE]! },
      { csv: "email,points\nkim@example.com,5\n", fileName: null, staffId: null },
    );
    if (!result.ok) throw new Error(result.error);
    await confirmImport(app.prisma, shopIds[GONE]!, result.preview.id);
    await app.prisma.session.deleteMany({ where: { shop: GONE } });
    await runJob();
    expect(await getImport(app.prisma, shopIds[GONE]!, result.preview.id)).toMatchObject({
      status: "failed",
      processedRows: 0,
    });
    expect(await app.prisma.memberImportRow.count({ where: { importId: result.preview.id } })).toBe(0);
    expect(await member(301, GONE)).toBeNull();
  });

  it("waits for a throttled Shopify and carries on next pass", async () => {
    const { id } = await preview("email,points\ngus@example.com,15\n");
    await confirmImport(app.prisma, shopIds[SHOP]!, id);
    app.double.failNext({ kind: "http", status: 503 }, { operationName: "RunCustomerExport", times: 2 });
    await runJob(new Date(), { gateway: { maxAttempts: 2 } });
    expect(await getImport(app.prisma, shopIds[SHOP]!, id)).toMatchObject({ status: "running", processedRows: 0 });
    await runJob();
    expect(await getImport(app.prisma, shopIds[SHOP]!, id)).toMatchObject({ status: "done", importedRows: 1 });
    expect(await balance(106)).toBe(15);
  });
});

describe("exports", () => {
  it("lists the members with their balance and tier, escaping cells a spreadsheet would run", async () => {
    await importFile("email,points\nhal@example.com,5\n");
    const text = await collect(memberCsvChunks(app.prisma, shopIds[SHOP]!));
    expect(
      text.startsWith(
        "\uFEFFEmail,First name,Last name,Shopify customer ID,Points,Pending points,Tier,Birthday,Last activity,Member since\n",
      ),
    ).toBe(true);
    const records: string[][] = parse(text, { bom: true });
    const byEmail = new Map(records.slice(1).map((record) => [record[0], record]));
    expect(byEmail.get("ann@example.com")!.slice(0, 8)).toEqual([
      "ann@example.com",
      "Ann",
      "Archer",
      "101",
      "1200",
      "0",
      "Gold",
      "1990-05-14",
    ]);
    expect(byEmail.get("ann@example.com")![8]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(byEmail.get("hal@example.com")!.slice(1, 3)).toEqual([
      '\'=HYPERLINK("https://evil.test","click")',
      "'@SUM(A1)",
    ]);
    expect(records.length - 1).toBe(await app.prisma.member.count({ where: { shopId: shopIds[SHOP]! } }));

    // The export reads back as a members file.
    const reread = parseMemberCsv(text, new Date());
    expect(reread.ok && reread.format).toBe("plain");
  });

  it("lists the ledger, negative points as numbers and free-text reasons escaped", async () => {
    const taken = await app.admin("/api/members/101/adjustments", SHOP, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ points: -50, reason: "-fraud, =1+1", idempotencyKey: "export-adjust-1" }),
    });
    expect(taken.status).toBe(201);
    const response = new Response(csvStream(ledgerCsvChunks(app.prisma, shopIds[SHOP]!)));
    const records: string[][] = parse(await response.text(), { bom: true });
    expect(records[0]).toEqual([
      "Date",
      "Email",
      "Shopify customer ID",
      "Kind",
      "Points",
      "Pending points",
      "Reason",
      "Shopify order ID",
    ]);
    const ann = records.filter((record) => record[2] === "101");
    expect(ann.map((record) => record.slice(1, 7))).toEqual([
      ["ann@example.com", "101", "import", "1200", "0", "Opening balance from Smile.io"],
      ["ann@example.com", "101", "adjust", "-50", "0", "'-fraud, =1+1"],
    ]);
    expect(records.length - 1).toBe(await app.prisma.ledgerEntry.count({ where: { shopId: shopIds[SHOP]! } }));
  });

  it("pages through a thousand rows at a time", async () => {
    await app.prisma.member.createMany({
      data: Array.from({ length: EXPORT_PAGE + 5 }, (_, i) => ({
        shopId: shopIds[BIG]!,
        shopifyCustomerId: String(90_000 + i),
        email: `m${i}@example.com`,
      })),
    });
    const chunks: string[] = [];
    for await (const chunk of memberCsvChunks(app.prisma, shopIds[BIG]!)) chunks.push(chunk);
    expect(chunks).toHaveLength(2);
    const records: string[][] = parse(chunks.join(""), { bom: true });
    expect(records).toHaveLength(EXPORT_PAGE + 5 + 1);
    expect(new Set(records.slice(1).map((record) => record[0])).size).toBe(EXPORT_PAGE + 5);
  });
});

describe("an import through the admin page, with Shopify's bulk export of the customers", () => {
  const post = async (body: unknown) => {
    const response = await app.admin("/app/import.data", PAGE, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    // Single fetch sends the action's answer as a turbo-stream of { data }.
    const decoded = (await decode(response.body!)).value as { data: { ok: boolean; preview?: ImportPreview } };
    return decoded.data;
  };
  /** Upload, confirm on the page, one pass of the job; the page's list of imports afterwards. */
  async function importOnPage(csv: string) {
    const { preview: shown } = await post({ intent: "preview", csv, fileName: "members.csv" });
    await post({ intent: "confirm", importId: shown!.id });
    const callsBefore = app.double.calls.length;
    await runJob();
    const calls = app.double.calls.slice(callsBefore);
    return { id: shown!.id, calls, shown: await shownOnPage(shown!.id) };
  }
  async function shownOnPage(id: string) {
    const response = await app.admin("/app/import.data", PAGE);
    const decoded = (await decode(response.body!)).value as Record<string, { data: { imports: ImportProgress[] } }>;
    return decoded["routes/app.import"]!.data.imports.find((run) => run.id === id)!;
  }
  const costOf = (calls: RecordedCall[]) =>
    calls.reduce(
      (sum, call) =>
        sum +
        ((call.response as { extensions?: { cost?: { actualQueryCost?: number } } }).extensions?.cost
          ?.actualQueryCost ?? 0),
      0,
    );
  const pageMember = (customerId: number) => member(customerId, PAGE);

  it("matches customers by email whatever its case, from one export, and reports the unknown emails", async () => {
    const { shown, calls } = await importOnPage(
      "email,points\nmia.upper@example.com,40\nNED@EXAMPLE.COM,25\nnobody@example.com,10\n",
    );
    expect(shown).toMatchObject({ status: "done", failure: null, processedRows: 3, importedRows: 2, rowErrorCount: 1 });
    expect(shown.rowErrors).toEqual([{ line: 4, message: "no Shopify customer with this email" }]);
    expect(await pageMember(401)).toMatchObject({ balance: 40, email: "mia.upper@example.com", firstName: "First401" });
    expect(await pageMember(402)).toMatchObject({ balance: 25 });
    // One export and its poll: no customer search.
    expect(calls.map((call) => call.operationName)).toEqual(["RunCustomerExport", "BulkOperationStatus"]);
  });

  it("grants nothing twice when the same file is imported again", async () => {
    const { shown } = await importOnPage("email,points\nmia.upper@example.com,40\nned@example.com,25\n");
    expect(shown).toMatchObject({ status: "done", importedRows: 0, skippedRows: 2 });
    expect(await pageMember(401)).toMatchObject({ balance: 40 });
    expect(await pageMember(402)).toMatchObject({ balance: 25 });
    expect(await app.prisma.ledgerEntry.count({ where: { shopId: shopIds[PAGE]!, kind: "import" } })).toBe(2);
  });

  it("fails the import, and says why on the page, when Shopify's export fails", async () => {
    app.double.setBulkOperationOutcome({ errorCode: "TIMEOUT" });
    try {
      const { id, shown } = await importOnPage("email,points\nola@example.com,30\n");
      expect(shown).toMatchObject({ status: "failed", failure: "export_failed", processedRows: 0, importedRows: 0 });
      expect(await pageMember(403)).toBeNull();
      expect(await app.prisma.memberImportRow.count({ where: { importId: id } })).toBe(0);
    } finally {
      app.double.reset();
    }
  });

  it("waits for an export still running, or for Shopify's limit of bulk operations, and carries on next pass", async () => {
    app.double.failNext(
      { kind: "userErrors", userErrors: [{ field: null, message: "limit", code: "LIMIT_REACHED" }] },
      { operationName: "RunCustomerExport" },
    );
    const { id, shown } = await importOnPage("email,points\nola@example.com,30\n");
    expect(shown).toMatchObject({ status: "running", processedRows: 0 });
    // Started next pass; Shopify answers RUNNING to this pass's three polls.
    app.double.setBulkOperationOutcome({ runningPolls: 3 });
    await runJob();
    expect(await shownOnPage(id)).toMatchObject({ status: "running", processedRows: 0 });
    await runJob();
    expect(await shownOnPage(id)).toMatchObject({ status: "done", importedRows: 1 });
    expect(await pageMember(403)).toMatchObject({ balance: 30 });
    app.double.reset();
  });

  it("costs the same Admin API points for 5 rows as for 1,200", async () => {
    const rows = (from: number, count: number) =>
      ["email,points", ...Array.from({ length: count }, (_, i) => `many${from + i}@example.com,${i + 1}`)].join("\n");
    const small = await importOnPage(rows(0, 5));
    const large = await importOnPage(rows(5, 1_195));
    expect(small.shown).toMatchObject({ status: "done", importedRows: 5 });
    expect(large.shown).toMatchObject({ status: "done", importedRows: 1_195 });
    expect(costOf(small.calls)).toBeGreaterThan(0);
    expect(costOf(large.calls)).toBe(costOf(small.calls));
  });
});
