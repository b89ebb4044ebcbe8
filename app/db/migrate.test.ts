import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "./database.server";
import { migrate, MigrationChecksumError, readMigrations, splitStatements, type Migration } from "./migrate.server";

const migration = (name: string, sql: string): Migration => ({ name, sql, checksum: `sum-of-${sql}` });

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

describe("migrate", () => {
  it("brings a new embedded database to the latest schema before the app's first query", async () => {
    database = openDatabase({ pgliteDir: "memory://" });
    const { migrated } = await database.ready;
    expect(migrated).toEqual((await readMigrations()).map((m) => m.name));
    expect(await database.prisma.shop.count()).toBe(0);
  });

  it("applies each migration once, in order, and records it as Prisma does", async () => {
    database = openDatabase({ pgliteDir: "memory://" });
    await database.ready;
    const steps = [
      migration("20300101000000_a", 'CREATE TABLE "Probe" (id int);'),
      migration("20300102000000_b", 'INSERT INTO "Probe" VALUES (1);'),
    ];
    const applied = await database.withSqlRunner((sql) => migrate(sql, steps));
    const again = await database.withSqlRunner((sql) => migrate(sql, steps));
    expect(applied).toEqual(["20300101000000_a", "20300102000000_b"]);
    expect(again).toEqual([]);
    const rows = await database.withSqlRunner((sql) => sql.query<{ id: number }>('SELECT id FROM "Probe"'));
    expect(rows).toEqual([{ id: 1 }]);
  });

  it("rolls back a failing migration entirely and does not record it", async () => {
    database = openDatabase({ pgliteDir: "memory://" });
    await database.ready;
    const broken = migration("20300103000000_broken", 'CREATE TABLE "Half" (id int); SELECT * FROM "Missing";');
    await expect(database.withSqlRunner((sql) => migrate(sql, [broken]))).rejects.toThrow(/Missing/);
    const tables = await database.withSqlRunner((sql) =>
      sql.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'"),
    );
    expect(tables).toEqual([]);
    const recorded = await database.withSqlRunner((sql) =>
      sql.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1`, [broken.name]),
    );
    expect(recorded).toEqual([]);
  });

  it("refuses to run when an applied migration was edited", async () => {
    database = openDatabase({ pgliteDir: "memory://" });
    await database.ready;
    await database.withSqlRunner((sql) => migrate(sql, [migration("20300104000000_c", "SELECT 1;")]));
    await expect(
      database.withSqlRunner((sql) => migrate(sql, [migration("20300104000000_c", "SELECT 2;")])),
    ).rejects.toBeInstanceOf(MigrationChecksumError);
  });
});

describe("splitStatements", () => {
  it("splits on semicolons outside quotes, quoted identifiers, dollar quotes and comments", () => {
    const script = [
      "-- tally:no-transaction",
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS "a;b" ON "T" (x);`,
      "INSERT INTO t VALUES ('x;y'); /* not ; here */",
      "DO $body$ BEGIN PERFORM 1; END $body$;",
      "-- a trailing comment;",
    ].join("\n");
    expect(splitStatements(script).map((statement) => statement.trim())).toEqual([
      `-- tally:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "a;b" ON "T" (x)`,
      "INSERT INTO t VALUES ('x;y')",
      "/* not ; here */\nDO $body$ BEGIN PERFORM 1; END $body$",
    ]);
  });
});
