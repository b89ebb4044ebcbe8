import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, type Database } from "~/db/database.server";
import { inTransaction } from "~/db/transaction.server";
import { adjustPoints } from "~/loyalty/members/adjustments.server";
import { expireDuePoints } from "~/loyalty/points/expiry.server";
import { defaultProgram } from "~/loyalty/program/program";
import { loadShop, saveProgram } from "~/loyalty/program/program.server";
import { freshDatabase, type FreshDatabase } from "./support/database";

// A database server whose time zone is not UTC (a managed PostgreSQL set to the merchant's
// region): the raw statements must still store UTC, as Prisma does, or the activity feed, the
// dashboard's date ranges and the ledger export would be hours off.
const ZONE = "Pacific/Auckland";
let fresh: FreshDatabase;
let database: Database;

beforeAll(async () => {
  fresh = await freshDatabase();
  if (fresh.env.DATABASE_URL) {
    const admin = new pg.Client({ connectionString: fresh.env.DATABASE_URL });
    await admin.connect();
    await admin.query(
      `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET timezone TO %L', current_database(), '${ZONE}'); END $$`,
    );
    await admin.end();
  }
  database = openDatabase({ databaseUrl: fresh.env.DATABASE_URL, pgliteDir: fresh.env.PGLITE_DATA_DIR });
  await database.ready;
  // PGlite is one session: setting its zone sets Prisma's.
  if (!fresh.env.DATABASE_URL) await database.prisma.$executeRawUnsafe(`SET TIME ZONE '${ZONE}'`);
}, 60_000);
afterAll(async () => {
  await database?.close();
  await fresh?.drop();
});

it("writes ledger entries, lots and balances at UTC whatever the database server's time zone", async () => {
  const [setting] = await database.prisma.$queryRaw<{ zone: string }[]>`SELECT current_setting('TimeZone') AS zone`;
  expect(setting?.zone).toBe(ZONE);
  const row = await database.prisma.shop.create({ data: { domain: "zone.myshopify.com" } });
  const program = defaultProgram();
  program.expiry = { mode: "fixed", days: 30, remindDaysBefore: [] };
  await saveProgram(database.prisma, row.id, program);
  const shop = await loadShop(database.prisma, row.id);

  // Points earned 40 days ago under a 30-day expiry: an adjustment writes the lot, the sweep expires it.
  const earnedAt = new Date(Date.now() - 40 * 86_400_000);
  await inTransaction(database.prisma, (tx) =>
    adjustPoints(tx, shop, {
      customerId: "42",
      points: 300,
      reason: "goodwill",
      staffId: null,
      requestKey: "zone:1",
      now: earnedAt,
    }),
  );
  await database.prisma.pointLot.updateMany({
    where: { shopId: shop.id },
    data: { expiresAt: new Date(Date.now() - 10 * 86_400_000) },
  });
  expect(await expireDuePoints(database.prisma, shop, new Date())).toEqual({ members: 1, points: 300 });

  const written = [
    ...(await database.prisma.ledgerEntry.findMany({
      where: { shopId: shop.id },
      select: { kind: true, createdAt: true },
    })),
    ...(await database.prisma.pointLot.findMany({ where: { shopId: shop.id }, select: { createdAt: true } })).map(
      (lot) => ({ kind: "lot", ...lot }),
    ),
    ...(await database.prisma.member.findMany({ where: { shopId: shop.id }, select: { updatedAt: true } })).map(
      (member) => ({ kind: "member", createdAt: member.updatedAt }),
    ),
  ];
  expect(written.map((entry) => entry.kind).sort()).toEqual(["adjust", "expire", "lot", "member"]);
  for (const entry of written)
    expect(Math.abs(entry.createdAt.getTime() - Date.now()), entry.kind).toBeLessThan(60_000);
});
