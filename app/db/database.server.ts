import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { migrate, readMigrations } from "./migrate.server";

/** Runs whole SQL scripts (several statements) and parameterised queries, outside Prisma. */
export interface SqlRunner {
  exec(sql: string): Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface Database {
  kind: "postgresql" | "pglite";
  /** Where the data lives, without credentials: for logs and the health check. */
  location: string;
  prisma: PrismaClient;
  /**
   * Settles when the database can serve. The embedded database applies pending migrations
   * before it accepts a connection (it is this process's own); PostgreSQL is migrated at
   * deploy time by `npm run setup`.
   */
  ready: Promise<{ migrated: string[] }>;
  /** A dedicated session for migrations and maintenance; runs one script at a time. */
  withSqlRunner<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const DEFAULT_PGLITE_DIR = "data/pglite";

export interface DatabaseOptions {
  /** A PostgreSQL URL; without one, Tally opens embedded PGlite. */
  databaseUrl?: string;
  /** PGlite's folder, or "memory://" for a throwaway database. */
  pgliteDir?: string;
  poolMax?: number;
}

export function openDatabase(options: DatabaseOptions = {}): Database {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolMax ?? 10)
    : openPglite(options.pgliteDir ?? DEFAULT_PGLITE_DIR);
}

function openPostgres(databaseUrl: string, poolMax: number): Database {
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: poolMax }),
  });
  const url = new URL(databaseUrl);
  return {
    kind: "postgresql",
    location: `${url.hostname}:${url.port || 5432}${url.pathname}`,
    prisma,
    ready: Promise.resolve({ migrated: [] }),
    async withSqlRunner(work) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        return await work({
          exec: async (sql) => {
            await client.query(sql);
          },
          query: async (sql, params) => (await client.query(sql, params)).rows,
        });
      } finally {
        await client.end();
      }
    },
    close: () => prisma.$disconnect(),
  };
}

function openPglite(dir: string): Database {
  const inMemory = dir.startsWith("memory://");
  if (!inMemory) mkdirSync(dir, { recursive: true });
  // Prisma reaches PGlite through the same PostgreSQL adapter as a real server, over a
  // private Unix socket, with one connection: PGlite is a single backend, and a second
  // connection would share its transaction (docs/decisions/0002-database.md).
  const socketDir = mkdtempSync(path.join(tmpdir(), "tally-pglite-"));
  const started = (async () => {
    const pglite = await PGlite.create(inMemory ? dir : path.resolve(dir));
    const migrated = await migrate(directRunner(pglite), await readMigrations());
    const server = new PGLiteSocketServer({ db: pglite, path: path.join(socketDir, ".s.PGSQL.5432") });
    await server.start();
    return { pglite, server, migrated };
  })();
  const adapter = new PrismaPg({ host: socketDir, port: 5432, user: "postgres", database: "postgres", max: 1 });
  const prisma = new PrismaClient({ adapter: new AdapterAfter(started, adapter) });
  return {
    kind: "pglite",
    location: inMemory ? dir : path.resolve(dir),
    prisma,
    ready: started.then(({ migrated }) => ({ migrated })),
    // Straight to PGlite, beside Prisma's connection: for maintenance while no request runs.
    withSqlRunner: async (work) => work(directRunner((await started).pglite)),
    async close() {
      await prisma.$disconnect();
      const { pglite, server } = await started;
      await server.stop();
      await pglite.close();
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

function directRunner(pglite: PGlite): SqlRunner {
  return {
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    query: async <Row>(sql: string, params?: unknown[]) => (await pglite.query<Row>(sql, params)).rows,
  };
}

/** Holds Prisma's first connection until the embedded server listens. */
class AdapterAfter implements SqlDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName: string;

  constructor(
    private readonly ready: Promise<unknown>,
    private readonly inner: SqlDriverAdapterFactory,
  ) {
    this.adapterName = inner.adapterName;
  }

  async connect() {
    await this.ready;
    return this.inner.connect();
  }
}
