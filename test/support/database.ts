import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase } from "~/db/database.server";
import { PGlite } from "@electric-sql/pglite";
import { migrate, readMigrations, type Migration } from "~/db/migrate.server";

/**
 * PGlite is one connection, so two workers, two imports or two requests never overlap there:
 * a test of locks or concurrency proves nothing on it. Such tests are named "on PostgreSQL: …"
 * and run only when TEST_DATABASE_URL names a server.
 */
export const ON_POSTGRES = Boolean(process.env.TEST_DATABASE_URL);

export interface FreshDatabase {
  /** Set as DATABASE_URL / PGLITE_DATA_DIR for the app under test. */
  env: { DATABASE_URL?: string; PGLITE_DATA_DIR?: string };
  kind: "postgresql" | "pglite";
  drop(): Promise<void>;
}

/**
 * A new, migrated database for one test file: a throwaway database on the PostgreSQL server
 * named by TEST_DATABASE_URL, or an in-memory PGlite when it is unset.
 */
export async function freshDatabase(): Promise<FreshDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    return { kind: "pglite", env: { PGLITE_DATA_DIR: "memory://" }, drop: async () => {} };
  }
  const { databaseUrl, drop } = await createMigratedDatabase(serverUrl, "tally_test");
  return {
    kind: "postgresql",
    env: { DATABASE_URL: databaseUrl },
    drop,
  };
}

/** A new database on the PostgreSQL server, migrated; `drop` removes it (tests and the bench). */
export async function createMigratedDatabase(
  serverUrl: string,
  prefix: string,
): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = serverClient(serverUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const database = openDatabase({ databaseUrl });
  await database.withSqlRunner(async (sql) => migrate(sql, await readMigrations()));
  await database.close();
  return {
    databaseUrl,
    async drop() {
      const client = serverClient(serverUrl);
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * An in-memory PGlite migrated up to, not including, the migration whose name ends with
 * `migrationName`, through the project's runner (no-transaction migrations included): for tests
 * of a migration's data rewrite on rows stored the old way. Returns the database and that migration.
 */
export async function pgliteBefore(migrationName: string): Promise<{ db: PGlite; migration: Migration }> {
  const db = await PGlite.create("memory://");
  const migrations = await readMigrations();
  const at = migrations.findIndex((migration) => migration.name.endsWith(migrationName));
  if (at < 0) throw new Error(`no migration named ${migrationName}`);
  await migrate(
    {
      exec: async (sql) => void (await db.exec(sql)),
      query: async <Row>(sql: string, params?: unknown[]) => (await db.query<Row>(sql, params)).rows,
    },
    migrations.slice(0, at),
  );
  return { db, migration: migrations[at]! };
}

// The bench and the outage tests terminate connections: a dropped one fails its query, never the process.
function serverClient(serverUrl: string): pg.Client {
  const client = new pg.Client({ connectionString: serverUrl });
  client.on("error", () => {});
  return client;
}
