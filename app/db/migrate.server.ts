import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { SqlRunner } from "./database.server";

export const MIGRATIONS_DIR = path.resolve("prisma/migrations");

// Prisma's own bookkeeping table, so `prisma migrate status` and a later `prisma migrate deploy`
// agree with what this runner applied (docs/decisions/0002-database.md).
const BOOKKEEPING_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// The key Prisma's migrate takes too: two instances deploying at once apply each migration once.
const MIGRATION_LOCK_KEY = 72707369;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/**
 * A migration.sql whose first line is this runs statement by statement outside a transaction,
 * for what PostgreSQL refuses inside one (CREATE INDEX CONCURRENTLY) or should not hold a lock
 * for (VALIDATE CONSTRAINT). Every statement in it must be safe to run again: a crash midway
 * leaves the migration unrecorded and the next run starts it over (docs/decisions/0012).
 */
export const NO_TRANSACTION_MARKER = "-- tally:no-transaction";

const runsOutsideTransaction = (migration: Migration) =>
  migration.sql.split("\n", 1)[0]!.trim() === NO_TRANSACTION_MARKER;

/**
 * The statements of a script, split on semicolons outside quotes, quoted identifiers, dollar
 * quotes and comments (a multi-statement string would run as one implicit transaction).
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const skipTo = (closing: string) => {
    const end = script.indexOf(closing, i);
    i = end === -1 ? script.length : end + closing.length;
  };
  while (i < script.length) {
    const rest = script.slice(i);
    const dollarQuote = /^\$[A-Za-z_]*\$/.exec(rest)?.[0];
    if (rest.startsWith("--")) skipTo("\n");
    else if (rest.startsWith("/*")) skipTo("*/");
    else if (script[i] === "'" || script[i] === '"') {
      i++;
      skipTo(script[i - 1]!);
    } else if (dollarQuote) {
      i += dollarQuote.length;
      skipTo(dollarQuote);
    } else if (script[i] === ";") {
      statements.push(script.slice(start, i));
      start = ++i;
    } else i++;
  }
  statements.push(script.slice(start));
  return statements.filter((statement) => statement.replace(/--.*$/gm, "").trim() !== "");
}

// `IF NOT EXISTS` would keep an index a crashed concurrent build left INVALID (it is never used).
const CONCURRENT_INDEX = /CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+IF\s+NOT\s+EXISTS\s+"?([^"\s(]+)"?/i;

async function dropInvalidIndex(sql: SqlRunner, statement: string) {
  const name = CONCURRENT_INDEX.exec(statement)?.[1];
  if (!name) return;
  const invalid = await sql.query(
    `SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace AND NOT i.indisvalid`,
    [name],
  );
  if (invalid.length) await sql.exec(`DROP INDEX CONCURRENTLY IF EXISTS "${name}"`);
}

async function applyInTransaction(sql: SqlRunner, migration: Migration) {
  await sql.exec("BEGIN");
  try {
    await sql.exec(migration.sql);
    await recordApplied(sql, migration);
    await sql.exec("COMMIT");
  } catch (error) {
    await sql.exec("ROLLBACK");
    throw error;
  }
}

async function applyOutsideTransaction(sql: SqlRunner, migration: Migration) {
  for (const statement of splitStatements(migration.sql)) {
    await dropInvalidIndex(sql, statement);
    await sql.exec(statement);
  }
  await recordApplied(sql, migration);
}

async function recordApplied(sql: SqlRunner, migration: Migration) {
  await sql.query(
    `INSERT INTO "_prisma_migrations"
       (id, checksum, finished_at, migration_name, applied_steps_count)
     VALUES ($1, $2, now(), $3, 1)`,
    [randomUUID(), migration.checksum, migration.name],
  );
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

export class MigrationChecksumError extends Error {
  constructor(name: string) {
    super(`Migration ${name} was edited after it was applied; add a new migration instead.`);
  }
}

/**
 * Applies pending migrations in order, each in its own transaction unless it starts with
 * NO_TRANSACTION_MARKER. Returns the names applied.
 */
export async function migrate(sql: SqlRunner, migrations: Migration[]): Promise<string[]> {
  await sql.exec(BOOKKEEPING_TABLE);
  await sql.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
  try {
    const applied = await sql.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations"
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const appliedChecksums = new Map(applied.map((row) => [row.migration_name, row.checksum]));
    const newlyApplied: string[] = [];
    for (const migration of migrations) {
      const checksum = appliedChecksums.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) throw new MigrationChecksumError(migration.name);
        continue;
      }
      if (runsOutsideTransaction(migration)) await applyOutsideTransaction(sql, migration);
      else await applyInTransaction(sql, migration);
      newlyApplied.push(migration.name);
    }
    return newlyApplied;
  } finally {
    await sql.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
  }
}
