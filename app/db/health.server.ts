import type { PrismaClient } from "@prisma/client";
import { readMigrations } from "./migrate.server";

export type DatabaseHealth = { ok: true } | { ok: false; reason: "unreachable" | "unmigrated"; pending?: string[] };

let expectedMigrations: Promise<string[]> | null = null;

/**
 * Serving needs a reachable database with every migration of this build applied: an empty or
 * half-migrated database answers SELECT 1 but fails every request.
 */
export async function databaseHealth(prisma: PrismaClient): Promise<DatabaseHealth> {
  expectedMigrations ??= readMigrations().then((migrations) => migrations.map((migration) => migration.name));
  let applied: { migration_name: string }[];
  try {
    applied = await prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  } catch (error) {
    if (isMissingTable(error)) return { ok: false, reason: "unmigrated" };
    return { ok: false, reason: "unreachable" };
  }
  const appliedNames = new Set(applied.map((row) => row.migration_name));
  const pending = (await expectedMigrations).filter((name) => !appliedNames.has(name));
  return pending.length ? { ok: false, reason: "unmigrated", pending } : { ok: true };
}

// 42P01 undefined_table: no migration ever ran on this database.
const isMissingTable = (error: unknown) => /42P01|does not exist/.test(String((error as Error)?.message));
