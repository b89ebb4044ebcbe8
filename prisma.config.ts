import { defineConfig } from "prisma/config";

// The CLI is used for `prisma generate` only; migrations are applied by scripts/migrate.ts
// (docs/decisions/0002-database.md). Without a resolvable DATABASE_URL, Prisma 6.19 falls back
// to downloading a native engine, which these machines cannot reach.
process.env.DATABASE_URL ??= "postgresql://unset@127.0.0.1:1/unset";
process.env.CHECKPOINT_DISABLE = "1";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
