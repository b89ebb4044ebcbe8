import { database } from "./db.server";

/** Called by server.mjs before it listens: the database must answer first. */
export async function startServer(): Promise<{ database: string; migrated: string[] }> {
  const { migrated } = await database.ready;
  await database.prisma.$queryRaw`SELECT 1`;
  return { database: `${database.kind} at ${database.location}`, migrated };
}

/** Closes the database (PGlite flushes its files) once the HTTP server has drained. */
export async function stopServer(): Promise<void> {
  await database.close();
}
