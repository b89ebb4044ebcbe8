import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { inTransaction } from "~/db/transaction.server";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { findCustomersByEmail, type ShopifyCustomer } from "~/shopify/customers.server";
import { AdminGraphQLError, AdminHttpError, isRetryable, ShopNotInstalledError } from "~/shopify/errors";
import { credit, entryExists, lockMemberForCustomer, type Tx } from "./ledger.server";
import {
  IMPORT_FORMAT_LABELS,
  parseMemberCsv,
  type ImportFormat,
  type ImportRow,
  type ImportRowIssue,
} from "./member-import";
import { queueMemberSync } from "./member-sync.server";
import { expiresAtFor, loadShop, type LoadedShop } from "./program.server";
import { keptUntil } from "./tiers";
import { tierMetrics } from "./tiers.server";

/**
 * Importing members and their opening balances from a file: a preview the merchant confirms,
 * then a job that applies the rows in batches. Each batch commits its ledger entries and its
 * progress together, so a crash resumes where the last batch ended; the opening balance of a
 * customer is keyed `import:opening:<customer id>`, so no file, and no rerun, grants it twice.
 */

export const IMPORT_BATCH = 50;
/** How many row errors a summary carries; the count says how many there are in all. */
const ERRORS_SHOWN = 100;
/** A preview holds emails: one not confirmed within a day is dropped. */
const PREVIEW_LIFETIME_MS = 86_400_000;
/** Imported tiers are kept this long at least, whatever the member earns meanwhile. */
const IMPORTED_TIER_HELD_MS = 365 * 86_400_000;
/** Per job pass: the 10-second jobs run one after the other, so a large file yields to them. */
const DEFAULT_PASS_BUDGET_MS = 5_000;

export type ImportStatus = "previewed" | "queued" | "running" | "done" | "failed";

export interface ImportProgress {
  id: string;
  format: ImportFormat;
  fileName: string | null;
  status: ImportStatus;
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
  const created = await db.memberImport.create({
    data: {
      shopId: shop.id,
      format: parsed.format,
      fileName: input.fileName?.trim().slice(0, 255) || null,
      status: "previewed",
      rows: parsed.rows as unknown as Prisma.InputJsonValue,
      rowErrors: parsed.errors as unknown as Prisma.InputJsonValue,
      totalRows: parsed.totalRows,
      staffId: input.staffId,
    },
    select: { id: true },
  });
  const tiers = new Map(parsed.rows.flatMap((row) => (row.tier ? [[row.tier.toLowerCase(), row.tier] as const] : [])));
  return {
    ok: true,
    preview: {
      ...(await getImport(db, shop.id, created.id))!,
      totalPoints: parsed.rows.reduce((sum, row) => sum + row.points, 0),
      unknownTiers: [...tiers.values()].filter((name) => !tierNamed(loaded, name)),
    },
  };
}

/** The merchant confirms a preview: the job picks it up. Confirming again changes nothing. */
export async function confirmImport(db: PrismaClient, shopId: string, importId: string): Promise<ImportProgress | null> {
  await db.memberImport.updateMany({ where: { id: importId, shopId, status: "previewed" }, data: { status: "queued" } });
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

// Counted and sliced in SQL: `rows` can hold 100,000 entries that a progress bar does not need.
function importsWhere(db: PrismaClient, where: Prisma.Sql, take: number): Promise<ImportProgress[]> {
  return db.$queryRaw<ImportProgress[]>`
    SELECT id, format, "fileName", status, "totalRows", "processedRows", "importedRows", "skippedRows",
           "staffId", "createdAt", "finishedAt",
           CASE WHEN jsonb_array_length("rows") > 0 THEN jsonb_array_length("rows") ELSE "processedRows" END AS "validRows",
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
  const normalised = email.trim().toLowerCase();
  await tx.$executeRaw`
    UPDATE "MemberImport" m
       SET "rows" = (SELECT jsonb_agg(CASE WHEN t.item->>'email' = ${normalised}
                                           THEN jsonb_build_object('line', t.item->'line', 'erased', true)
                                           ELSE t.item END ORDER BY t.n)
                       FROM jsonb_array_elements(m."rows") WITH ORDINALITY AS t(item, n))
     WHERE m."shopId" = ${shopId} AND m.status IN ('previewed', 'queued', 'running')
       AND m."rows" @> jsonb_build_array(jsonb_build_object('email', ${normalised}::text))`;
}

const storedRow = z.union([
  z.object({ line: z.number().int(), erased: z.literal(true) }),
  z.object({
    line: z.number().int(),
    email: z.string(),
    points: z.number().int().min(0),
    tier: z.string().nullable(),
    birthday: z.string().nullable(),
  }),
]);
type StoredRow = z.infer<typeof storedRow>;

interface Batch {
  status: string;
  processedRows: number;
  rows: StoredRow[];
}

/** The next rows to process, after `processedRows`; locked, the import row serialises workers. */
async function readBatch(db: PrismaClient | Tx, importId: string, lock: boolean): Promise<Batch | null> {
  const [found] = await db.$queryRaw<{ status: string; processedRows: number; batch: unknown }[]>`
    SELECT m.status, m."processedRows",
           COALESCE((SELECT jsonb_agg(t.item ORDER BY t.n)
                       FROM jsonb_array_elements(m."rows") WITH ORDINALITY AS t(item, n)
                      WHERE t.n > m."processedRows" AND t.n <= m."processedRows" + ${IMPORT_BATCH}), '[]'::jsonb) AS batch
      FROM "MemberImport" m
     WHERE m.id = ${importId}
     ${lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`;
  return found ? { status: found.status, processedRows: found.processedRows, rows: z.array(storedRow).parse(found.batch) } : null;
}

interface ImportSource {
  id: string;
  format: ImportFormat;
  staffId: string | null;
}

type RowOutcome = { status: "imported" | "skipped"; points: number; issue?: string };

/** One row: the member, their opening balance once per customer, and a tier and birthday they lack. */
async function importRow(tx: Tx, shop: LoadedShop, source: ImportSource, row: ImportRow, customer: ShopifyCustomer, now: Date): Promise<RowOutcome> {
  const member = await lockMemberForCustomer(tx, shop.id, customer.customerId, { email: customer.email });
  const key = `import:opening:${customer.customerId}`;
  if (await entryExists(tx, shop.id, key)) return { status: "skipped", points: 0, issue: "already imported" };
  await credit(tx, member, {
    key,
    kind: "import",
    points: row.points,
    now,
    availableAt: now,
    expiresAt: expiresAtFor(shop.program, now),
    source: "import",
    sourceType: "import",
    sourceId: source.id,
    reason: `Opening balance from ${IMPORT_FORMAT_LABELS[source.format]}`,
    staffId: source.staffId,
  });
  const profile = await tx.member.findUniqueOrThrow({
    where: { id: member.id },
    select: { email: true, firstName: true, lastName: true, tierId: true, birthday: true },
  });
  const tier = row.tier ? tierNamed(shop, row.tier) : undefined;
  const data: Prisma.MemberUpdateInput = {
    ...(profile.email ? {} : { email: customer.email }),
    ...(profile.firstName ? {} : { firstName: customer.firstName }),
    ...(profile.lastName ? {} : { lastName: customer.lastName }),
    ...(row.birthday && !profile.birthday ? { birthday: new Date(`${row.birthday}T00:00:00Z`) } : {}),
  };
  if (tier && !profile.tierId) {
    // A member the previous app had made VIP stays VIP for a year even before earning here.
    data.tierId = tier.id;
    data.tierHeldUntil = keptUntil(shop.program.tiers, now) ?? new Date(now.getTime() + IMPORTED_TIER_HELD_MS);
    const metric = (await tierMetrics(tx, shop, [member.id], now)).get(member.id) ?? 0;
    await tx.tierChange.create({ data: { shopId: shop.id, memberId: member.id, fromTierId: null, toTierId: tier.id, cause: "import", metric } });
    await queueMemberSync(tx, shop.id, member.id, now);
  }
  if (Object.keys(data).length) await tx.member.update({ where: { id: member.id }, data });
  const issue = row.tier && !tier ? `tier "${row.tier}" is not one of the program's tiers (points imported without it)` : undefined;
  return { status: "imported", points: row.points, issue };
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
  customers: Map<string, ShopifyCustomer>,
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
    const customer = customers.get(row.email);
    if (customer) found.push({ row, customer });
    else issues.push({ line: row.line, message: "no Shopify customer with this email" });
  }
  // Members are locked in one order, so two imports naming the same customers cannot deadlock.
  found.sort((a, b) => a.customer.customerId.localeCompare(b.customer.customerId));
  for (const { row, customer } of found) {
    const outcome = await importRow(tx, shop, source, row, customer, now);
    if (outcome.status === "imported") imported++;
    else skipped++;
    points += outcome.points;
    if (outcome.issue) issues.push({ line: row.line, message: outcome.issue, ...(outcome.status === "skipped" ? { skipped: true as const } : {}) });
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
async function finishImport(db: PrismaClient, importId: string, status: "done" | "failed", now: Date) {
  await db.memberImport.updateMany({
    where: { id: importId, status: { in: ["queued", "running"] } },
    data: { status, finishedAt: now, rows: [] },
  });
}

/** Shopify will not answer this shop's searches however often we ask. */
const isPermanentAdminFailure = (error: unknown) =>
  error instanceof ShopNotInstalledError ||
  error instanceof AdminGraphQLError ||
  (error instanceof AdminHttpError && !isRetryable(error));

/**
 * The import job: confirmed imports, a batch at a time (the emails looked up in Shopify, then
 * the rows applied), until they are done or the pass's budget is spent; the next pass resumes.
 * Also drops previews never confirmed.
 */
export async function runMemberImports(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
  limits: { maxBatches?: number; budgetMs?: number } = {},
) {
  const report = { job: "import", members: 0, points: 0 };
  await db.memberImport.deleteMany({ where: { status: "previewed", createdAt: { lt: new Date(now.getTime() - PREVIEW_LIFETIME_MS) } } });
  const deadline = Date.now() + (limits.budgetMs ?? DEFAULT_PASS_BUDGET_MS);
  let batchesLeft = limits.maxBatches ?? Infinity;
  const imports = await db.memberImport.findMany({
    where: { status: { in: ["queued", "running"] } },
    orderBy: { createdAt: "asc" },
    select: { id: true, shopId: true, format: true, staffId: true },
  });
  for (const record of imports) {
    const source: ImportSource = { id: record.id, format: record.format as ImportFormat, staffId: record.staffId };
    const shop = await loadShop(db, record.shopId);
    try {
      const admin = await AdminGateway.forShop(db, shop.domain, gatewayOptions);
      await db.memberImport.updateMany({ where: { id: record.id, status: "queued" }, data: { status: "running" } });
      while (batchesLeft > 0 && Date.now() < deadline) {
        const next = await readBatch(db, record.id, false);
        if (!next || next.status !== "running") break;
        if (!next.rows.length) {
          await finishImport(db, record.id, "done", now);
          break;
        }
        const emails = next.rows.flatMap((row) => ("email" in row ? [row.email] : []));
        const customers = await findCustomersByEmail(admin, emails);
        const applied = await inTransaction(db, (tx) => applyBatch(tx, shop, source, next.processedRows, customers, now));
        batchesLeft--;
        if (applied) {
          report.members += applied.imported;
          report.points += applied.points;
        }
      }
    } catch (error) {
      // A throttled or unavailable Shopify is retried next pass; a refusal ends the import.
      if (isRetryable(error)) {
        console.warn(JSON.stringify({ event: "import.deferred", import: record.id, shop: shop.domain, error: String(error) }));
      } else if (isPermanentAdminFailure(error)) {
        console.error(JSON.stringify({ event: "import.failed", import: record.id, shop: shop.domain, error: String(error) }));
        await finishImport(db, record.id, "failed", now);
      } else {
        throw error;
      }
    }
    if (batchesLeft <= 0 || Date.now() >= deadline) break;
  }
  return report;
}
