import { Prisma, type PrismaClient } from "@prisma/client";
import { endHolds } from "~/loyalty/points/holdout.server";
import { fromBigInt } from "~/db/bigint";
import { NOW_UTC } from "~/db/clock.server";
import { inTransaction } from "~/db/transaction.server";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { bulkOperationState } from "~/shopify/bulk-operations.server";
import { readCustomerExport, startCustomerExport } from "~/shopify/customer-export.server";
import type { ShopifyCustomer } from "~/shopify/customers.server";
import {
  AdminGraphQLError,
  AdminHttpError,
  AdminUserError,
  BulkFileDownloadError,
  CustomerExportUnreadableError,
  isRetryable,
  ShopNotInstalledError,
} from "~/shopify/errors";
import type { Tx } from "~/loyalty/points/ledger.server";
import {
  IMPORT_FORMAT_LABELS,
  parseMemberCsv,
  type ImportFormat,
  type ImportRow,
  type ImportRowIssue,
  type ParsedImport,
} from "./import";
import { queueMemberSyncs } from "~/loyalty/points/member-sync.server";
import { expiresAtFor, loadRunnableShop, loadShop, type LoadedShop } from "~/loyalty/program/program.server";
import { keptUntil } from "~/loyalty/tiers/tiers";
import { tierMetrics } from "~/loyalty/tiers/tiers.server";

/**
 * Importing members and their opening balances from a file: a preview the merchant confirms,
 * then a job that reads the shop's customers once (a bulk operation's export, matched to the rows
 * by email) and applies the rows in batches. Each batch commits its ledger entries and its
 * progress together, so a crash resumes where the last batch ended; the opening balance of a
 * customer is keyed `import:opening:<customer id>`, so no file, and no rerun, grants it twice.
 */

/** Rows applied per transaction. */
export const IMPORT_BATCH = 2_000;
/** Matched rows written per statement while the customer export streams in. */
const MATCHES_PER_UPDATE = 5_000;
/** A pass polls a running export a few times, then leaves it to the next pass (every 10 s). */
const EXPORT_POLLS_PER_PASS = 3;
const EXPORT_POLL_MS = 1_000;
const ROWS_PER_INSERT = 5_000;
/** How many row errors a summary carries; the count says how many there are in all. */
const ERRORS_SHOWN = 100;
/** A preview holds emails: one not confirmed within a day is dropped. */
const PREVIEW_LIFETIME_MS = 86_400_000;
/** Imported tiers are kept this long at least, whatever the member earns meanwhile. */
const IMPORTED_TIER_HELD_MS = 365 * 86_400_000;
/** Per job pass: the 10-second jobs run one after the other, so a large file yields to them. */
const DEFAULT_PASS_BUDGET_MS = 5_000;

/** The database checks these too (test/stored-values.test.ts keeps the two equal). */
export const IMPORT_STATUSES = ["previewed", "queued", "running", "done", "failed"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/**
 * Why an import failed, for the merchant (the database checks these too): Shopify's customer
 * export failed or was cancelled; its file could not be read; Shopify refused the app (uninstalled,
 * access denied).
 */
export const IMPORT_FAILURES = ["export_failed", "export_unreadable", "shopify_refused"] as const;
export type ImportFailure = (typeof IMPORT_FAILURES)[number];

export interface ImportProgress {
  id: string;
  format: ImportFormat;
  fileName: string | null;
  status: ImportStatus;
  /** Set when the import failed. */
  failure: ImportFailure | null;
  /** Data rows in the file (blank lines aside). */
  totalRows: number;
  /** Rows the file let through; once finished, the rows processed. */
  validRows: number;
  processedRows: number;
  importedRows: number;
  /** Rows whose customer already had an imported opening balance (or was erased meanwhile). */
  skippedRows: number;
  /** The first row errors and notes by line; `rowErrorCount` counts them all. */
  rowErrors: ImportRowIssue[];
  rowErrorCount: number;
  staffId: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface ImportPreview extends ImportProgress {
  /** Opening balances of the valid rows, summed. */
  totalPoints: number;
  /** Tier names in the file that match none of the program's tiers (their points still import). */
  unknownTiers: string[];
}

export type PreviewResult = { ok: true; preview: ImportPreview } | { ok: false; error: string };

const tierNamed = (shop: LoadedShop, name: string) =>
  shop.program.tiers.levels.find((level) => level.name.trim().toLowerCase() === name.trim().toLowerCase());

/** Reads the file and keeps its valid rows until the merchant confirms (or drops) the import. */
export async function previewImport(
  db: PrismaClient,
  shop: { id: string },
  input: { csv: string; fileName: string | null; staffId: string | null },
  now = new Date(),
): Promise<PreviewResult> {
  const parsed = parseMemberCsv(input.csv, now);
  if (!parsed.ok) return parsed;
  const loaded = await loadShop(db, shop.id);
  // One transaction: a failure leaves no half-written preview behind.
  const importId = await inTransaction(db, (tx) => storePreview(tx, shop.id, parsed, input));
  const tiers = new Map(parsed.rows.flatMap((row) => (row.tier ? [[row.tier.toLowerCase(), row.tier] as const] : [])));
  return {
    ok: true,
    preview: {
      ...(await getImport(db, shop.id, importId))!,
      totalPoints: parsed.rows.reduce((sum, row) => sum + row.points, 0),
      unknownTiers: [...tiers.values()].filter((name) => !tierNamed(loaded, name)),
    },
  };
}

/** The preview's import and its valid rows; returns the import's id. */
async function storePreview(
  tx: Tx,
  shopId: string,
  parsed: Extract<ParsedImport, { ok: true }>,
  input: { fileName: string | null; staffId: string | null },
): Promise<string> {
  const created = await tx.memberImport.create({
    data: {
      shopId,
      format: parsed.format,
      fileName: input.fileName?.trim().slice(0, 255) || null,
      status: "previewed",
      validRows: parsed.rows.length,
      rowErrors: parsed.errors as unknown as Prisma.InputJsonValue,
      totalRows: parsed.totalRows,
      staffId: input.staffId,
    },
    select: { id: true },
  });
  // One statement of arrays per chunk: Prisma's createMany maps each row's values one by one.
  for (let start = 0; start < parsed.rows.length; start += ROWS_PER_INSERT) {
    const chunk = parsed.rows.slice(start, start + ROWS_PER_INSERT);
    const column = <T>(pick: (row: ImportRow) => T) => chunk.map(pick);
    await tx.$executeRaw`
      INSERT INTO "MemberImportRow" ("importId", n, line, email, points, tier, birthday)
      SELECT ${created.id}, ${start} + ordinality, line, email, points, tier, birthday
        FROM unnest(${column((row) => row.line)}::int[], ${column((row) => row.email)}::text[],
                    ${column((row) => row.points)}::int8[], ${column((row) => row.tier)}::text[],
                    ${column((row) => row.birthday)}::text[]) WITH ORDINALITY AS r(line, email, points, tier, birthday, ordinality)`;
  }
  return created.id;
}

/** The merchant confirms a preview: the job picks it up. Confirming again changes nothing. */
export async function confirmImport(
  db: PrismaClient,
  shopId: string,
  importId: string,
): Promise<ImportProgress | null> {
  await db.memberImport.updateMany({
    where: { id: importId, shopId, status: "previewed" },
    data: { status: "queued" },
  });
  return getImport(db, shopId, importId);
}

/** An import of the shop, with its progress; null when the shop has no such import. */
export async function getImport(db: PrismaClient, shopId: string, importId: string): Promise<ImportProgress | null> {
  const [found] = await importsWhere(db, Prisma.sql`"shopId" = ${shopId} AND id = ${importId}`, 1);
  return found ?? null;
}

/** The shop's latest imports, newest first. */
export async function listImports(db: PrismaClient, shopId: string, take = 20): Promise<ImportProgress[]> {
  return importsWhere(db, Prisma.sql`"shopId" = ${shopId}`, take);
}

// The first errors sliced in SQL: a file can have 100,000 that a progress bar does not need.
function importsWhere(db: PrismaClient, where: Prisma.Sql, take: number): Promise<ImportProgress[]> {
  return db.$queryRaw<ImportProgress[]>`
    SELECT id, format, "fileName", status, failure, "totalRows", "processedRows", "importedRows", "skippedRows",
           "staffId", "createdAt", "finishedAt",
           CASE WHEN status IN ('done', 'failed') THEN "processedRows" ELSE "validRows" END AS "validRows",
           jsonb_array_length("rowErrors") AS "rowErrorCount",
           COALESCE((SELECT jsonb_agg(issue ORDER BY (issue->>'line')::int)
                       FROM (SELECT issue FROM jsonb_array_elements("rowErrors") AS e(issue)
                              ORDER BY (issue->>'line')::int LIMIT ${ERRORS_SHOWN}) first_issues), '[]'::jsonb) AS "rowErrors"
      FROM "MemberImport"
     WHERE ${where}
     ORDER BY "createdAt" DESC
     LIMIT ${take}`;
}

/**
 * Customer erasure: a file not yet imported may name the shopper. Their row keeps its place
 * (progress counts rows by position) but loses everything else; the job skips it.
 */
export async function eraseEmailFromImports(tx: Tx, shopId: string, email: string) {
  await tx.$executeRaw`
    UPDATE "MemberImportRow" r
       SET email = NULL, tier = NULL, birthday = NULL, points = 0, "customerId" = NULL, "firstName" = NULL, "lastName" = NULL
      FROM "MemberImport" m
     WHERE r."importId" = m.id AND r.email = ${email.trim().toLowerCase()}
       AND m."shopId" = ${shopId} AND m.status IN ('previewed', 'queued', 'running')`;
}

/**
 * Customer erasure: a members file's name ("jane-doe-points.csv") or its row errors may name the
 * shopper, in any import of the shop, finished or not. The name goes; errors naming them lose the text.
 */
export async function erasePersonFromImportRecords(tx: Tx, shopId: string, identifiers: (string | null | undefined)[]) {
  const needles = [
    ...new Set(
      identifiers
        .map((value) => value?.trim().toLowerCase())
        .filter((value): value is string => !!value && value.length >= 3),
    ),
  ];
  if (!needles.length) return;
  const patterns = needles.map((needle) => `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  await tx.$executeRaw`
    UPDATE "MemberImport" SET "fileName" = NULL
     WHERE "shopId" = ${shopId} AND "fileName" ILIKE ANY (${patterns}::text[])`;
  await tx.$executeRaw`
    UPDATE "MemberImport" i
       SET "rowErrors" = (SELECT COALESCE(jsonb_agg(CASE WHEN e::text ILIKE ANY (${patterns}::text[])
                                                         THEN jsonb_build_object('line', e->'line', 'message', 'erased')
                                                         ELSE e END), '[]'::jsonb)
                            FROM jsonb_array_elements(i."rowErrors") e)
     WHERE i."shopId" = ${shopId} AND i."rowErrors"::text ILIKE ANY (${patterns}::text[])`;
}

/** A row to apply, with the Shopify customer its email matched (null: none). */
type StoredRow = (ImportRow & { customer: ShopifyCustomer | null }) | { line: number; erased: true };

interface Batch {
  status: string;
  processedRows: number;
  rows: StoredRow[];
}

/** The next rows to process, after `processedRows`; locked, the import row serialises workers. */
async function readBatch(db: PrismaClient | Tx, importId: string, lock: boolean): Promise<Batch | null> {
  const [found] = await db.$queryRaw<{ status: string; processedRows: number }[]>`
    SELECT status, "processedRows" FROM "MemberImport" WHERE id = ${importId} ${lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`;
  if (!found) return null;
  const rows = await db.memberImportRow.findMany({
    where: { importId, n: { gt: found.processedRows, lte: found.processedRows + IMPORT_BATCH } },
    orderBy: { n: "asc" },
  });
  return {
    ...found,
    rows: rows.map((row) =>
      row.email === null
        ? { line: row.line, erased: true as const }
        : {
            line: row.line,
            email: row.email,
            points: fromBigInt(row.points),
            tier: row.tier,
            birthday: row.birthday,
            customer: row.customerId
              ? { customerId: row.customerId, email: row.email, firstName: row.firstName, lastName: row.lastName }
              : null,
          },
    ),
  };
}

interface ImportSource {
  id: string;
  format: ImportFormat;
  staffId: string | null;
}

interface ImportedRow {
  row: ImportRow;
  customer: ShopifyCustomer;
  tierId: string | null;
}

/**
 * The batch's rows with a Shopify customer, in one statement per step: their members (made when
 * new, locked in id order), one opening balance each keyed `import:opening:<customer id>` — a
 * customer who already has one is skipped — with its lot, the balance, the profile fields and
 * tier a member lacks, the tier change, and the sync to Shopify. Returns the customers imported.
 */
async function importRows(
  tx: Tx,
  shop: LoadedShop,
  source: ImportSource,
  rows: ImportedRow[],
  now: Date,
): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const column = <T>(pick: (row: ImportedRow) => T) => rows.map(pick);
  const customerIds = column((r) => r.customer.customerId);
  // An import enrols its customers: a holdout's holds on them end here (docs/roi.md).
  await endHolds(tx, shop.id, customerIds, now);
  await tx.$executeRaw`
    INSERT INTO "Member" (id, "shopId", "shopifyCustomerId", email, "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, ${shop.id}, c.id, c.email, ${NOW_UTC}, ${NOW_UTC}
      FROM unnest(${customerIds}::text[], ${column((r) => r.customer.email)}::text[]) AS c(id, email)
    ON CONFLICT ("shopId", "shopifyCustomerId") DO NOTHING`;
  const locked = await tx.$queryRaw<{ id: string; customerId: string }[]>`
    SELECT id, "shopifyCustomerId" AS "customerId" FROM "Member"
     WHERE "shopId" = ${shop.id} AND "shopifyCustomerId" = ANY(${customerIds}) ORDER BY id FOR UPDATE`;
  // The statement below names each member by id: a join by customer hashed every member of the
  // shop for each batch (a table growing with the import is never analyzed in time).
  const memberIds = new Map(locked.map((member) => [member.customerId, member.id]));
  const heldUntil = keptUntil(shop.program.tiers, now) ?? new Date(now.getTime() + IMPORTED_TIER_HELD_MS);
  const imported = await tx.$queryRaw<{ customerId: string; memberId: string; tierId: string | null }[]>`
    WITH incoming AS (
      SELECT * FROM unnest(${customerIds.map((id) => memberIds.get(id))}::text[], ${customerIds}::text[],
                           ${column((r) => r.customer.email)}::text[], ${column((r) => r.row.points)}::int8[],
                           ${column((r) => r.customer.firstName)}::text[], ${column((r) => r.customer.lastName)}::text[],
                           ${column((r) => r.row.birthday)}::text[], ${column((r) => r.tierId)}::text[])
        AS i("memberId", "customerId", email, points, "firstName", "lastName", birthday, "tierId")
    ), opened AS (
      INSERT INTO "LedgerEntry" (id, "shopId", "memberId", delta, "pendingDelta", kind, "idempotencyKey", "sourceType", "sourceId", reason, "staffId", "createdAt")
      SELECT gen_random_uuid()::text, ${shop.id}, i."memberId", i.points, 0, 'import', 'import:opening:' || i."customerId", 'import', ${source.id},
             ${`Opening balance from ${IMPORT_FORMAT_LABELS[source.format]}`}, ${source.staffId}, ${NOW_UTC}
        FROM incoming i
      ON CONFLICT ("shopId", "idempotencyKey") DO NOTHING
      RETURNING "memberId", delta
    ), lots AS (
      INSERT INTO "PointLot" (id, "shopId", "memberId", amount, remaining, held, "availableAt", "expiresAt", source, "createdAt")
      SELECT gen_random_uuid()::text, ${shop.id}, o."memberId", o.delta, o.delta, false, ${now}, ${expiresAtFor(shop.program, now)}, 'import', ${NOW_UTC}
        FROM opened o WHERE o.delta > 0
      RETURNING 1
    ), members AS (
      UPDATE "Member" m
         SET balance = m.balance + o.delta,
             email = COALESCE(m.email, i.email),
             "firstName" = COALESCE(m."firstName", i."firstName"),
             "lastName" = COALESCE(m."lastName", i."lastName"),
             birthday = COALESCE(m.birthday, i.birthday::date),
             "tierId" = COALESCE(m."tierId", i."tierId"),
             "tierHeldUntil" = CASE WHEN m."tierId" IS NULL AND i."tierId" IS NOT NULL THEN ${heldUntil} ELSE m."tierHeldUntil" END,
             "updatedAt" = ${NOW_UTC}
        FROM opened o JOIN incoming i ON i."memberId" = o."memberId"
       WHERE m.id = o."memberId" AND m.id = ANY(${[...memberIds.values()]})
      RETURNING m.id, m."shopifyCustomerId", CASE WHEN i."tierId" IS NOT NULL AND m."tierId" = i."tierId" THEN i."tierId" END AS "newTierId"
    )
    SELECT "shopifyCustomerId" AS "customerId", id AS "memberId", "newTierId" AS "tierId" FROM members`;
  // A member the previous app had made VIP stays VIP for a year even before earning here.
  const tierIdAsked = new Map(rows.map((r) => [r.customer.customerId, r.tierId]));
  const tiered = imported.filter((row) => row.tierId && tierIdAsked.get(row.customerId) === row.tierId);
  if (tiered.length) {
    const metrics = await tierMetrics(
      tx,
      shop,
      tiered.map((row) => row.memberId),
      now,
    );
    await tx.tierChange.createMany({
      data: tiered.map((row) => ({
        shopId: shop.id,
        memberId: row.memberId,
        fromTierId: null,
        toTierId: row.tierId,
        cause: "import",
        metric: metrics.get(row.memberId) ?? 0,
      })),
    });
  }
  await queueMemberSyncs(
    tx,
    shop.id,
    imported.map((row) => row.memberId),
    now,
  );
  return new Set(imported.map((row) => row.customerId));
}

interface BatchResult {
  imported: number;
  points: number;
}

/**
 * Applies one batch in one transaction, its progress with it. Null when another worker got
 * there first (the rows it was given are no longer next).
 */
async function applyBatch(
  tx: Tx,
  shop: LoadedShop,
  source: ImportSource,
  expectedStart: number,
  now: Date,
): Promise<BatchResult | null> {
  const batch = await readBatch(tx, source.id, true);
  if (!batch || batch.status !== "running" || batch.processedRows !== expectedStart) return null;
  const issues: ImportRowIssue[] = [];
  let imported = 0;
  let skipped = 0;
  let points = 0;
  const found: { row: ImportRow; customer: ShopifyCustomer }[] = [];
  for (const row of batch.rows) {
    if ("erased" in row) {
      skipped++;
      issues.push({ line: row.line, message: "the shopper's data was erased before the import", skipped: true });
      continue;
    }
    const { customer } = row;
    if (customer) found.push({ row, customer });
    else issues.push({ line: row.line, message: "no Shopify customer with this email" });
  }
  // One row per customer: a file naming a customer twice imports the first.
  const seen = new Set<string>();
  const firstPerCustomer = found.filter(
    ({ customer }) => !seen.has(customer.customerId) && seen.add(customer.customerId),
  );
  const rows = firstPerCustomer.map(({ row, customer }) => ({
    row,
    customer,
    tierId: row.tier ? (tierNamed(shop, row.tier)?.id ?? null) : null,
  }));
  const importedCustomers = await importRows(tx, shop, source, rows, now);
  const firstRows = new Set(rows.map((r) => r.row));
  for (const { row, customer } of found) {
    if (!importedCustomers.has(customer.customerId) || !firstRows.has(row)) {
      skipped++;
      issues.push({ line: row.line, message: "already imported", skipped: true });
      continue;
    }
    imported++;
    points += row.points;
    if (row.tier && !tierNamed(shop, row.tier))
      issues.push({
        line: row.line,
        message: `tier "${row.tier}" is not one of the program's tiers (points imported without it)`,
      });
  }
  issues.sort((a, b) => a.line - b.line);
  await tx.$executeRaw`
    UPDATE "MemberImport"
       SET "processedRows" = "processedRows" + ${batch.rows.length},
           "importedRows" = "importedRows" + ${imported},
           "skippedRows" = "skippedRows" + ${skipped},
           "rowErrors" = "rowErrors" || ${JSON.stringify(issues)}::jsonb,
           "updatedAt" = ${now}
     WHERE id = ${source.id}`;
  return { imported, points };
}

/** Finished or failed, the rows go: they hold emails, and nothing will read them again. */
async function finishImport(
  db: PrismaClient,
  importId: string,
  outcome: { status: "done" } | { status: "failed"; failure: ImportFailure },
  now: Date,
) {
  await db.memberImport.updateMany({
    where: { id: importId, status: { in: ["queued", "running"] } },
    data: { ...outcome, finishedAt: now },
  });
  await db.memberImportRow.deleteMany({ where: { importId } });
}

/** Why an error ends the import; null when the next pass may succeed (or the error is a bug). */
function failureOf(error: unknown): ImportFailure | null {
  if (isRetryable(error)) return null;
  if (error instanceof CustomerExportUnreadableError || error instanceof BulkFileDownloadError)
    return "export_unreadable";
  if (
    error instanceof ShopNotInstalledError ||
    error instanceof AdminGraphQLError ||
    error instanceof AdminUserError ||
    error instanceof AdminHttpError
  )
    return "shopify_refused";
  return null;
}

/** Writes each row's customer, a few thousand rows a statement, as the export streams by. */
async function matchCustomers(db: PrismaClient, importId: string, customers: AsyncIterable<ShopifyCustomer>) {
  const rows = await db.$queryRaw<{ n: number; email: string }[]>`
    SELECT n, email FROM "MemberImportRow" WHERE "importId" = ${importId} AND email IS NOT NULL`;
  // Bounded by the file (MAX_IMPORT_ROWS), not by the shop's customers, which only stream past.
  const wanted = new Map(rows.map((row) => [row.email, row.n]));
  let matched: { n: number; customer: ShopifyCustomer }[] = [];
  const write = async () => {
    if (!matched.length) return;
    const column = <T>(pick: (match: { n: number; customer: ShopifyCustomer }) => T) => matched.map(pick);
    // Matched on the email too: a row erased meanwhile keeps nothing of the customer.
    await db.$executeRaw`
      UPDATE "MemberImportRow" r
         SET "customerId" = m.id, "firstName" = m."firstName", "lastName" = m."lastName"
        FROM unnest(${column((m) => m.n)}::int[], ${column((m) => m.customer.email)}::text[],
                    ${column((m) => m.customer.customerId)}::text[], ${column((m) => m.customer.firstName)}::text[],
                    ${column((m) => m.customer.lastName)}::text[]) AS m(n, email, id, "firstName", "lastName")
       WHERE r."importId" = ${importId} AND r.n = m.n AND r.email = m.email`;
    matched = [];
  };
  for await (const customer of customers) {
    const n = wanted.get(customer.email);
    if (n === undefined) continue;
    // The first customer with an address wins, as the searches did.
    wanted.delete(customer.email);
    matched.push({ n, customer });
    if (matched.length >= MATCHES_PER_UPDATE) await write();
    if (!wanted.size) break;
  }
  await write();
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Makes sure the import's rows carry their customers: starts the shop's customer export when
 * the import has none, polls it, and once it is complete streams its file into the rows. False
 * while Shopify is still exporting (or runs as many bulk operations as it allows): the next
 * pass carries on. A failed export fails the import before any row is applied.
 */
async function matchImportCustomers(
  db: PrismaClient,
  admin: AdminGateway,
  record: { id: string; bulkOperationId: string | null },
  now: Date,
  gatewayOptions: AdminGatewayOptions | undefined,
  deadline: number,
): Promise<boolean> {
  let operationId = record.bulkOperationId;
  if (!operationId) {
    const started = await startCustomerExport(admin);
    if ("busy" in started) {
      console.warn(JSON.stringify({ event: "import.export_busy", import: record.id, shop: admin.shop }));
      return false;
    }
    // Two workers may each start one: the first recorded is the one both follow.
    await db.memberImport.updateMany({
      where: { id: record.id, bulkOperationId: null },
      data: { bulkOperationId: started.id },
    });
    const stored = await db.memberImport.findUnique({ where: { id: record.id }, select: { bulkOperationId: true } });
    operationId = stored?.bulkOperationId ?? started.id;
  }
  const sleep = gatewayOptions?.sleep ?? defaultSleep;
  let state = await bulkOperationState(admin, operationId);
  for (let polls = 1; state.state === "running" && polls < EXPORT_POLLS_PER_PASS && Date.now() < deadline; polls++) {
    await sleep(EXPORT_POLL_MS);
    state = await bulkOperationState(admin, operationId);
  }
  switch (state.state) {
    case "running":
      return false;
    case "gone":
      // Its file expired before the rows were matched: the next pass exports again.
      await db.memberImport.updateMany({
        where: { id: record.id, bulkOperationId: operationId },
        data: { bulkOperationId: null },
      });
      return false;
    case "failed":
      console.error(
        JSON.stringify({ event: "import.failed", import: record.id, shop: admin.shop, export: state.reason }),
      );
      await finishImport(db, record.id, { status: "failed", failure: "export_failed" }, now);
      return false;
    case "completed":
      if (state.url) await matchCustomers(db, record.id, readCustomerExport(admin.shop, state.url, gatewayOptions));
      await db.memberImport.updateMany({
        where: { id: record.id, status: "running" },
        data: { customersMatchedAt: now },
      });
      return true;
  }
}

/**
 * The import job: confirmed imports, their customers matched from one export of the shop's
 * customers, then a batch of rows at a time, until they are done or the pass's budget is spent;
 * the next pass resumes. Also drops previews never confirmed.
 */
export async function runMemberImports(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
  limits: { maxBatches?: number; budgetMs?: number } = {},
) {
  const report = { job: "import", processed: 0, points: 0 };
  await db.memberImport.deleteMany({
    where: { status: "previewed", createdAt: { lt: new Date(now.getTime() - PREVIEW_LIFETIME_MS) } },
  });
  const deadline = Date.now() + (limits.budgetMs ?? DEFAULT_PASS_BUDGET_MS);
  let batchesLeft = limits.maxBatches ?? Infinity;
  const imports = await db.memberImport.findMany({
    where: { status: { in: ["queued", "running"] } },
    orderBy: { createdAt: "asc" },
    select: { id: true, shopId: true, format: true, staffId: true, bulkOperationId: true, customersMatchedAt: true },
  });
  for (const record of imports) {
    const source: ImportSource = { id: record.id, format: record.format as ImportFormat, staffId: record.staffId };
    const shop = await loadRunnableShop(db, record.shopId);
    if (!shop) continue;
    try {
      const admin = await AdminGateway.forShop(db, shop.domain, gatewayOptions);
      await db.memberImport.updateMany({ where: { id: record.id, status: "queued" }, data: { status: "running" } });
      if (!record.customersMatchedAt && !(await matchImportCustomers(db, admin, record, now, gatewayOptions, deadline)))
        continue;
      while (batchesLeft > 0 && Date.now() < deadline) {
        const next = await readBatch(db, record.id, false);
        if (!next || next.status !== "running") break;
        if (!next.rows.length) {
          await finishImport(db, record.id, { status: "done" }, now);
          break;
        }
        const applied = await inTransaction(db, (tx) => applyBatch(tx, shop, source, next.processedRows, now));
        batchesLeft--;
        if (applied) {
          report.processed += applied.imported;
          report.points += applied.points;
        }
      }
    } catch (error) {
      // A throttled or unavailable Shopify is retried next pass; a refusal ends the import.
      const failure = failureOf(error);
      if (isRetryable(error)) {
        console.warn(
          JSON.stringify({ event: "import.deferred", import: record.id, shop: shop.domain, error: String(error) }),
        );
      } else if (failure) {
        console.error(
          JSON.stringify({ event: "import.failed", import: record.id, shop: shop.domain, error: String(error) }),
        );
        await finishImport(db, record.id, { status: "failed", failure }, now);
      } else {
        throw error;
      }
    }
    if (batchesLeft <= 0 || Date.now() >= deadline) break;
  }
  return report;
}
