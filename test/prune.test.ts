import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/db/database.server";
import { POINTS_JOBS } from "~/jobs/points.server";
import { pruneExpiredRows, RETENTION_DAYS } from "~/jobs/prune.server";
import { freshDatabase, type FreshDatabase } from "./support/database";

const DAY_MS = 86_400_000;
const now = new Date("2026-11-30T12:00:00Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);

let fresh: FreshDatabase;
let database: Database;
let shopId: string;
beforeAll(async () => {
  fresh = await freshDatabase();
  database = openDatabase({ databaseUrl: fresh.env.DATABASE_URL, pgliteDir: fresh.env.PGLITE_DATA_DIR });
  await database.ready;
  shopId = (await database.prisma.shop.create({ data: { domain: "prune.myshopify.com" } })).id;
});
afterAll(async () => {
  await database?.close();
  await fresh?.drop();
});

describe("the prune job", () => {
  it("deletes what is past its retention and keeps the rest", async () => {
    const db = database.prisma;
    const justOver = (days: number) => daysAgo(days + 1);
    const justUnder = (days: number) => daysAgo(days - 1);
    await db.webhookDelivery.createMany({
      data: [
        ...[1, 2, 3].map((n) => ({
          shopId,
          shopDomain: "prune.myshopify.com",
          webhookId: `old-${n}`,
          topic: "orders/paid",
          receivedAt: justOver(RETENTION_DAYS.webhookDeliveries),
        })),
        {
          shopId,
          shopDomain: "prune.myshopify.com",
          webhookId: "fresh",
          topic: "orders/paid",
          receivedAt: justUnder(RETENTION_DAYS.webhookDeliveries),
        },
      ],
    });
    const old = justOver(RETENTION_DAYS.deliveredOutboxTasks);
    await db.outboxTask.createMany({
      data: [
        { shopId, topic: "sync_member", key: "delivered-old", payload: {}, createdAt: old, deliveredAt: old },
        {
          shopId,
          topic: "sync_member",
          key: "delivered-fresh",
          payload: {},
          createdAt: old,
          deliveredAt: justUnder(RETENTION_DAYS.deliveredOutboxTasks),
        },
        // Old but never delivered: still owed to Shopify, never pruned.
        { shopId, topic: "create_discount", key: "undelivered-old", payload: {}, createdAt: old, runAt: old },
      ],
    });
    await db.referralVisit.createMany({
      data: [
        { shopId, code: "OLD", createdAt: justOver(RETENTION_DAYS.referralVisits) },
        { shopId, code: "FRESH", createdAt: justUnder(RETENTION_DAYS.referralVisits) },
      ],
    });
    const finishedLongAgo = justOver(RETENTION_DAYS.finishedImports);
    const oldImport = await db.memberImport.create({
      data: {
        shopId,
        format: "plain",
        status: "done",
        totalRows: 1,
        createdAt: finishedLongAgo,
        finishedAt: finishedLongAgo,
        rows: { create: { n: 1, line: 2, email: "ann@example.com", points: 5 } },
      },
    });
    await db.memberImport.createMany({
      data: [
        {
          shopId,
          format: "plain",
          status: "failed",
          totalRows: 1,
          createdAt: finishedLongAgo,
          finishedAt: justUnder(RETENTION_DAYS.finishedImports),
        },
        // Started long ago and still running: not finished, not pruned.
        { shopId, format: "plain", status: "running", totalRows: 1, createdAt: finishedLongAgo },
      ],
    });

    // A batch of two: the job loops until nothing is left past the retention.
    const report = await pruneExpiredRows(db, now, { batchSize: 2 });

    expect(report.deleted).toEqual({
      webhookDeliveries: 3,
      deliveredOutboxTasks: 1,
      referralVisits: 1,
      finishedImports: 1,
      flowActionRuns: 0,
    });
    expect((await db.webhookDelivery.findMany()).map((row) => row.webhookId)).toEqual(["fresh"]);
    expect((await db.outboxTask.findMany({ orderBy: { key: "asc" } })).map((row) => row.key)).toEqual([
      "delivered-fresh",
      "undelivered-old",
    ]);
    expect((await db.referralVisit.findMany()).map((row) => row.code)).toEqual(["FRESH"]);
    expect((await db.memberImport.findMany({ orderBy: { status: "asc" } })).map((row) => row.status)).toEqual([
      "failed",
      "running",
    ]);
    expect(await db.memberImportRow.count({ where: { importId: oldImport.id } })).toBe(0);

    // Run again (the scheduler's entry): nothing more to delete.
    expect(await POINTS_JOBS.prune(db, now)).toMatchObject({
      deleted: {
        webhookDeliveries: 0,
        deliveredOutboxTasks: 0,
        referralVisits: 0,
        finishedImports: 0,
        flowActionRuns: 0,
      },
    });
  });
});
