import { openDatabase, type Database } from "./db/database.server";

// One database per process. Kept on globalThis so Vite's dev reloads do not open a second
// PGlite on the same folder.
const globalForDb = globalThis as typeof globalThis & { __tallyDatabase?: Database };

export const database: Database = (globalForDb.__tallyDatabase ??= openDatabase({
  databaseUrl: process.env.DATABASE_URL || undefined,
  pgliteDir: process.env.PGLITE_DATA_DIR || undefined,
  poolMax: process.env.DATABASE_POOL_MAX ? Number(process.env.DATABASE_POOL_MAX) : undefined,
}));

export const prisma = database.prisma;
export default prisma;
