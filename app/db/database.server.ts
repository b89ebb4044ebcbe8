import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { migrate, readMigrations } from "./migrate.server";

// A connection that cannot be made in this time fails the request (503) instead of queueing it.
const CONNECT_TIMEOUT_MS = 10_000;

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
   * One parameterised statement on Prisma's own pool, without Prisma: for the hottest statement
   * alone (the inbox's insert), where Prisma's query compiler costs more CPU than the statement
   * (docs/decisions/0036-shop-webhooks-answered-before-remix.md).
   */
  query<Row>(sql: string, params: unknown[]): Promise<Row[]>;
  /**
   * Settles when the database can serve. The embedded database applies pending migrations
   * before it accepts a connection (it is this process's own); PostgreSQL is migrated at
   * deploy time by `npm run setup`.
   */
  ready: Promise<{ migrated: string[] }>;
  /**
   * Calls `onNotification` on each NOTIFY on `channel` from any instance, over a dedicated
   * connection that reconnects when dropped; resolves to a function that stops listening. Absent on
   * PGlite: one process owns it, and wakes its own listeners.
   */
  listen?(channel: string, onNotification: () => void): Promise<() => Promise<void>>;
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
  const pool = survivingPool({ connectionString: databaseUrl, max: poolMax });
  const prisma = new PrismaClient({ adapter: new ReleasingTransactions(new PrismaPg(pool)) });
  const url = new URL(databaseUrl);
  return {
    kind: "postgresql",
    location: `${url.hostname}:${url.port || 5432}${url.pathname}`,
    prisma,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    ready: Promise.resolve({ migrated: [] }),
    listen: (channel, onNotification) => listenForNotifications(databaseUrl, channel, onNotification),
    async withSqlRunner(work) {
      const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      // Dropped mid-script (failover, pg_terminate_backend): the script's query fails, the process lives.
      client.on("error", (error) => logConnectionLost("sql-runner", error));
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
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

// How long a dropped LISTEN connection waits before it connects again.
const RELISTEN_MS = 1_000;

async function listenForNotifications(
  databaseUrl: string,
  channel: string,
  onNotification: () => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const next = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    const again = () => {
      if (closed || client !== next) return;
      client = null;
      retry = setTimeout(() => void connect(), RELISTEN_MS);
    };
    client = next;
    next.on("notification", onNotification);
    next.on("error", (error) => {
      logConnectionLost("listen", error);
      again();
    });
    next.on("end", again);
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      // What was announced while this connection was down is found by looking once now.
      onNotification();
    } catch (error) {
      logConnectionLost("listen", error as Error);
      void next.end().catch(() => {});
      again();
    }
  };
  await connect();
  return async () => {
    closed = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
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
  const pool = survivingPool({ host: socketDir, port: 5432, user: "postgres", database: "postgres", max: 1 });
  const prisma = new PrismaClient({
    adapter: new AdapterAfter(started, new ReleasingTransactions(new PrismaPg(pool))),
  });
  return {
    kind: "pglite",
    location: inMemory ? dir : path.resolve(dir),
    prisma,
    query: async (sql, params) => {
      await started;
      return (await pool.query(sql, params)).rows;
    },
    ready: started.then(({ migrated }) => ({ migrated })),
    // Straight to PGlite, beside Prisma's connection: for maintenance while no request runs.
    withSqlRunner: async (work) => work(directRunner((await started).pglite)),
    async close() {
      await prisma.$disconnect();
      await pool.end();
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

function logConnectionLost(source: string, error: Error) {
  console.error(JSON.stringify({ event: "database.connection_lost", source, error: error.message }));
}

/**
 * A pg pool whose connections may die at any moment without taking the process with them: an
 * 'error' with no listener kills Node. The pool's own listener covers idle clients; the
 * 'connect' listener covers lent ones from their first moment — pg-pool can emit a new
 * client's error (ready and 57P01 in one packet) before the borrower has attached a listener.
 * A client that errored is not queryable and is discarded when released.
 */
function survivingPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool({ connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...config });
  pool.on("error", (error) => logConnectionLost("idle", error));
  pool.on("connect", (client) => client.on("error", (error) => logConnectionLost("lent", error)));
  return pool;
}

/**
 * Releases a transaction's connection when its COMMIT or ROLLBACK fails. Prisma's client
 * calls the adapter's commit()/rollback() — which return the connection to the pool — only
 * after that statement succeeded, so a connection dropped mid-transaction would stay lent
 * for ever, and the pool would run dry after `max` of them.
 */
class ReleasingTransactions implements SqlDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName: string;

  constructor(private readonly inner: SqlDriverAdapterFactory) {
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.inner.connect();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => releaseOnFailedEnd(await startTransaction(isolationLevel));
    return adapter;
  }
}

const ENDS_TRANSACTION = new Set(["COMMIT", "ROLLBACK"]);

function releaseOnFailedEnd(transaction: Transaction): Transaction {
  const executeRaw = transaction.executeRaw.bind(transaction);
  transaction.executeRaw = async (query: SqlQuery) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      // rollback() only releases the connection; a dead one is not queryable and is discarded.
      if (ENDS_TRANSACTION.has(query.sql)) await transaction.rollback();
      throw error;
    }
  };
  return transaction;
}
