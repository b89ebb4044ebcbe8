import { database } from "./db.server";
import { migrate, readMigrations } from "./db/migrate.server";

/**
 * Called by server.mjs before it listens. The embedded database belongs to this process, so
 * the app migrates it itself; a PostgreSQL server is migrated by `npm run setup` at deploy time,
 * and the app only checks that it answers.
 */
export async function startServer(): Promise<{ database: string; migrated: string[] }> {
  const migrated =
    database.kind === "pglite"
      ? await database.withSqlRunner(async (sql) => migrate(sql, await readMigrations()))
      : [];
  await database.prisma.$queryRaw`SELECT 1`;
  return { database: `${database.kind} at ${database.location}`, migrated };
}

/** Closes the database (PGlite flushes its files) once the HTTP server has drained. */
export async function stopServer(): Promise<void> {
  await database.close();
}
