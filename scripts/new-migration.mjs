// `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql,
// the SQL from the last committed prisma/schema.prisma to the working copy (no database needed).
import { exec, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { createServer } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name in snake_case>");
  process.exit(2);
}
const committed = path.join(mkdtempSync(path.join(tmpdir(), "tally-schema-")), "schema.prisma");
writeFileSync(committed, execFileSync("git", ["show", `${process.env.FROM_REV || "HEAD"}:prisma/schema.prisma`]));
// The CLI connects through prisma.config.ts's adapter even for a diff between two files: give it
// a throwaway embedded database.
const probe = createServer();
await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
const { port } = probe.address();
await new Promise((resolve) => probe.close(resolve));
const db = await PGlite.create("memory://");
const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port });
await server.start();
let sql;
try {
  // Asynchronously: the embedded server answers from this process's event loop.
  ({ stdout: sql } = await promisify(exec)(
    `npx prisma migrate diff --from-schema-datamodel ${committed} --to-schema-datamodel prisma/schema.prisma --script`,
    { env: { ...process.env, DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/postgres` } },
  ));
} finally {
  await server.stop();
  await db.close();
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join("prisma/migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`wrote ${dir}/migration.sql`);
