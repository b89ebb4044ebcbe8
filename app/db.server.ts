import { serverEnvironment } from "./config/env.server";
import { openDatabase, type Database } from "./db/database.server";

// One database per process. Kept on globalThis so Vite's dev reloads do not open a second
// PGlite on the same folder.
const globalForDb = globalThis as typeof globalThis & { __tallyDatabase?: Database };

// Opening it is the first thing the server does: the environment is validated here, once.
const env = serverEnvironment();
export const database: Database = (globalForDb.__tallyDatabase ??= openDatabase({
  databaseUrl: env.DATABASE_URL,
  pgliteDir: env.PGLITE_DATA_DIR,
  poolMax: env.DATABASE_POOL_MAX,
}));

export const prisma = database.prisma;
export default prisma;
