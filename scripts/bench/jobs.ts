// The jobs at a large store's scale, run in this process against a fresh database of each kind:
// the expiry sweep over 1M lots, tier re-evaluation over 100k members (the 100k-row CSV import is
// its own part, `import`), the customer metafield sync (its Admin API cost per member) and a campaign to 100k members.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { BULK_SYNC_THRESHOLD } from "~/jobs/member-sync-bulk.server";
import { syncMembersToShopify } from "~/jobs/member-sync.server";
import { expirePoints, reevaluateAllTiers } from "~/jobs/points.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { confirmImport, previewImport, runMemberImports } from "~/loyalty/members/import.server";
import { createCampaign, runCampaigns } from "~/loyalty/campaigns/campaigns.server";
import { loadShop } from "~/loyalty/program/program.server";
import { defaultProgram, type Program } from "~/loyalty/program/program";
import { AdminApiDouble, type DoubleCustomer, type RecordedCall, type ShopPlan } from "../../sandbox/admin-api-double";
import { round, type DatabaseKind, type Figure } from "./figures";
import { benchDatabase } from "./harness";

export interface JobsScale {
  expiryMembers: number;
  lotsPerMember: number;
  tierMembers: number;
  importRows: number;
  syncMembers: number;
  campaignMembers: number;
}

// The sync's cost per member does not depend on size, so it runs at a tenth.
export const FULL_SCALE: JobsScale = {
  expiryMembers: 100_000,
  lotsPerMember: 10,
  tierMembers: 100_000,
  importRows: 100_000,
  syncMembers: 10_000,
  campaignMembers: 100_000,
};
export const QUICK_SCALE: JobsScale = {
  expiryMembers: 10_000,
  lotsPerMember: 10,
  tierMembers: 10_000,
  importRows: 10_000,
  syncMembers: 2_000,
  campaignMembers: 10_000,
};

const SHOP = "bench-jobs.myshopify.com";

export interface Scratch {
  prisma: PrismaClient;
  drop(): Promise<void>;
}

/** A fresh database of the kind asked for, open in this process (the jobs run here). */
export async function scratchDatabase(kind: DatabaseKind): Promise<Scratch> {
  const database = await benchDatabase(kind);
  const opened = database.open();
  await opened.ready;
  return { prisma: opened.prisma, drop: async () => (await opened.close(), await database.drop()) };
}

async function installShop(
  prisma: PrismaClient,
  double: AdminApiDouble,
  program: Program,
  customers: DoubleCustomer[],
  plan: ShopPlan,
) {
  const accessToken = `shpat_${randomBytes(16).toString("hex")}`;
  await prisma.session.create({
    data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: "write_customers", accessToken },
  });
  const shop = await prisma.shop.create({
    data: {
      domain: SHOP,
      program: program as object,
      programRevision: 1,
      tiersEvaluatedRevision: 1,
      currencyCode: "EUR",
    },
  });
  double.addShop({
    domain: SHOP,
    accessToken,
    name: "Bench",
    email: "owner@bench.test",
    currencyCode: "EUR",
    ianaTimezone: "UTC",
    customers,
    plan,
  });
  return shop.id;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

/** Members who earned one order's points each, as the ledger writes them: entry, lot, balance. */
async function seedMembers(
  kind: DatabaseKind,
  prisma: PrismaClient,
  shopId: string,
  members: number,
  lotsPerMember: number,
  earned: (i: string) => string,
  lotExpiry: string,
) {
  await prisma.$executeRawUnsafe(
    `
    INSERT INTO "Member" (id, "shopId", "shopifyCustomerId", email, balance, "lastEarnedAt", "createdAt", "updatedAt")
    SELECT 'm' || i, $1, (1000000 + i)::text, 'c' || i || '@example.com', ${lotsPerMember} * (${earned("i")}), now(), now() - interval '400 days', now()
      FROM generate_series(1, $2::int) AS i`,
    shopId,
    members,
  );
  await prisma.$executeRawUnsafe(
    `
    INSERT INTO "LedgerEntry" (id, "shopId", "memberId", delta, kind, "idempotencyKey", "sourceType", "createdAt")
    SELECT 'e' || i || '-' || n, $1, 'm' || i, ${earned("i")}, 'earn', 'seed:' || i || ':' || n, 'order', now()
      FROM generate_series(1, $2::int) AS i, generate_series(1, ${lotsPerMember}) AS n`,
    shopId,
    members,
  );
  await prisma.$executeRawUnsafe(
    `
    INSERT INTO "PointLot" (id, "shopId", "memberId", amount, remaining, "availableAt", "expiresAt", source, "createdAt")
    SELECT 'l' || i || '-' || n, $1, 'm' || i, ${earned("i")}, ${earned("i")}, now(), ${lotExpiry}, 'seed', now()
      FROM generate_series(1, $2::int) AS i, generate_series(1, ${lotsPerMember}) AS n`,
    shopId,
    members,
  );
  // PostgreSQL's autovacuum analyzes a table after a bulk load like this one (asked here: the bench's
  // server may run without it). PGlite has no autovacuum: its figures are without, as a store's are.
  if (kind === "postgresql") await prisma.$executeRawUnsafe(`ANALYZE "Member", "LedgerEntry", "PointLot"`);
}

async function expiryFigures(kind: DatabaseKind, scale: JobsScale): Promise<Figure[]> {
  const scratch = await scratchDatabase(kind);
  const double = await AdminApiDouble.start();
  try {
    const program = defaultProgram();
    program.expiry = { mode: "fixed", days: 365, remindDaysBefore: [] };
    const shopId = await installShop(scratch.prisma, double, program, [], "plus");
    // Three lots in ten are past their date: every member loses some points.
    await seedMembers(
      kind,
      scratch.prisma,
      shopId,
      scale.expiryMembers,
      scale.lotsPerMember,
      () => "100",
      `CASE WHEN n <= 3 THEN now() - interval '1 day' ELSE now() + interval '100 days' END`,
    );
    const lots = scale.expiryMembers * scale.lotsPerMember;
    const sweep = await timed(() => expirePoints(scratch.prisma, new Date(), SHOP));
    const again = await timed(() => expirePoints(scratch.prisma, new Date(), SHOP));
    const expiredLots = await scratch.prisma.ledgerEntry.count({ where: { shopId, kind: "expire" } });
    const consistent = (await ledgerDiscrepancies(scratch.prisma, shopId)).length === 0 && again.result.points === 0;
    const detail = `${lots.toLocaleString("en")} lots of ${scale.expiryMembers.toLocaleString("en")} members, ${expiredLots.toLocaleString("en")} due; ledger ${consistent ? "consistent" : "INCONSISTENT"}`;
    return [
      {
        group: "jobs at scale",
        name: "expiry sweep",
        database: kind,
        value: round(sweep.ms / 1000, 2),
        unit: "s",
        goal: { op: "<=", value: 60 * (lots / 1_000_000) },
        detail,
      },
      {
        group: "jobs at scale",
        name: "expiry sweep, nothing due",
        database: kind,
        value: round(again.ms / 1000, 2),
        unit: "s",
        detail: "the same sweep run again",
      },
    ];
  } finally {
    await double.close();
    await scratch.drop();
  }
}

async function tierFigures(kind: DatabaseKind, scale: JobsScale): Promise<Figure[]> {
  const scratch = await scratchDatabase(kind);
  const double = await AdminApiDouble.start();
  try {
    const program = defaultProgram();
    program.tiers = {
      ...program.tiers,
      levels: [
        { id: "silver", name: "Silver", threshold: 500, earnMultiplier: 1, entryBonusPoints: 0 },
        { id: "gold", name: "Gold", threshold: 900, earnMultiplier: 1.5, entryBonusPoints: 50 },
      ],
    };
    const shopId = await installShop(scratch.prisma, double, program, [], "plus");
    // Earned 1…1000 points each; tiers as the thresholds give them.
    await seedMembers(kind, scratch.prisma, shopId, scale.tierMembers, 1, (i) => `(${i} % 1000) + 1`, "NULL");
    await scratch.prisma.$executeRaw`
      UPDATE "Member" SET "tierId" = CASE WHEN balance >= 900 THEN 'gold' WHEN balance >= 500 THEN 'silver' END WHERE "shopId" = ${shopId}`;
    // The merchant lowers Gold to 800: one member in ten moves up, with the entry bonus.
    program.tiers.levels[1]!.threshold = 800;
    await scratch.prisma.shop.update({
      where: { id: shopId },
      data: { program: program as object, programRevision: 2 },
    });
    const pass = await timed(() => reevaluateAllTiers(scratch.prisma, new Date(), SHOP));
    const movers = await scratch.prisma.tierChange.count({ where: { shopId } });
    program.tiers.levels[1]!.threshold = 799;
    await scratch.prisma.shop.update({
      where: { id: shopId },
      data: { program: program as object, programRevision: 3 },
    });
    const quiet = await timed(() => reevaluateAllTiers(scratch.prisma, new Date(), SHOP));
    const detail = `${scale.tierMembers.toLocaleString("en")} members, ${movers.toLocaleString("en")} move up (tier change, entry bonus, Flow event, sync)`;
    return [
      {
        group: "jobs at scale",
        name: "tier re-evaluation after a threshold change",
        database: kind,
        value: round(pass.ms / 1000, 2),
        unit: "s",
        goal: { op: "<=", value: 60 * (scale.tierMembers / 100_000) },
        detail,
      },
      {
        group: "jobs at scale",
        name: "tier re-evaluation, nobody moves",
        database: kind,
        value: round(quiet.ms / 1000, 2),
        unit: "s",
        detail: `${scale.tierMembers.toLocaleString("en")} members`,
      },
      {
        group: "jobs at scale",
        name: "tier re-evaluation per mover",
        database: kind,
        value: round(pass.ms / Math.max(1, movers), 2),
        unit: "ms",
      },
    ];
  } finally {
    await double.close();
    await scratch.drop();
  }
}

/**
 * A members file as large as an import takes (100k rows), for a shop with as many customers: the
 * preview, then the job until it is done — the customers' bulk export started and polled, its
 * file streamed and matched, the rows applied. Tally's time leaves out the double's own work of
 * making the export (Shopify's, off Tally's clock); the Admin API cost counts every call.
 */
export async function importFigures(kind: DatabaseKind, scale: JobsScale): Promise<Figure[]> {
  const scratch = await scratchDatabase(kind);
  const double = await AdminApiDouble.start();
  try {
    const customers: DoubleCustomer[] = Array.from({ length: scale.importRows }, (_, i) => ({
      id: 5_000_000 + i,
      email: `import${i}@example.com`,
      firstName: "Im",
      lastName: `Port ${i}`,
      phone: null,
      tags: [],
      createdAt: "2025-01-01T00:00:00Z",
      numberOfOrders: 1,
      amountSpent: "10.00",
    }));
    const shopId = await installShop(scratch.prisma, double, defaultProgram(), customers, "plus");
    const csv = ["email,points", ...customers.map((customer, i) => `${customer.email},${(i % 500) + 1}`)].join("\n");
    const gateway = { origin: double.origin };
    const run = await timed(async () => {
      const preview = await previewImport(
        scratch.prisma,
        { id: shopId },
        { csv, fileName: "bench.csv", staffId: null },
      );
      if (!preview.ok) throw new Error("the bench CSV was refused");
      await confirmImport(scratch.prisma, shopId, preview.preview.id);
      for (;;) {
        await runMemberImports(scratch.prisma, new Date(), gateway, { budgetMs: 60_000 });
        const state = await scratch.prisma.memberImport.findUniqueOrThrow({
          where: { id: preview.preview.id },
          select: { status: true },
        });
        if (state.status === "done" || state.status === "failed") return state.status;
      }
    });
    const members = await scratch.prisma.member.count({ where: { shopId } });
    const cost = double.calls.reduce(
      (sum, call) =>
        sum +
        ((call.response as { extensions?: { cost?: { actualQueryCost?: number } } }).extensions?.cost
          ?.actualQueryCost ?? 0),
      0,
    );
    const tallyMs = run.ms - double.bulkOperationWorkMs;
    const detail = `${scale.importRows.toLocaleString("en")} rows (goal scaled from 30 s per 100k), ${members.toLocaleString("en")} members (${run.result}); ${round(double.bulkOperationWorkMs / 1000, 2)} s of the double's export work left out`;
    return [
      {
        group: "jobs at scale",
        name: "CSV import",
        database: kind,
        value: round(tallyMs / 1000, 2),
        unit: "s",
        goal: { op: "<=", value: 30 * (scale.importRows / 100_000) },
        detail,
      },
      {
        group: "jobs at scale",
        name: "CSV import per row",
        database: kind,
        value: round(tallyMs / scale.importRows, 3),
        unit: "ms",
      },
      {
        group: "jobs at scale",
        name: "CSV import Admin API cost",
        database: kind,
        value: cost,
        unit: "points",
        detail: `${double.calls.map((call) => call.operationName).join(", ")}; the same for any number of rows`,
      },
    ];
  } finally {
    await double.close();
    await scratch.drop();
  }
}

async function syncFigures(kind: DatabaseKind, scale: JobsScale): Promise<Figure[]> {
  const scratch = await scratchDatabase(kind);
  const double = await AdminApiDouble.start();
  try {
    const shopId = await installShop(scratch.prisma, double, defaultProgram(), [], "plus");
    await seedMembers(kind, scratch.prisma, shopId, scale.syncMembers, 1, () => "100", "NULL");
    await scratch.prisma.$executeRaw`
      INSERT INTO "OutboxTask" (id, "shopId", topic, key, payload, "runAt", attempts, "createdAt")
      SELECT 't' || id, ${shopId}, 'sync_member', 'sync:' || id, jsonb_build_object('memberId', id, 'changes', 1), now(), 0, now()
        FROM "Member" WHERE "shopId" = ${shopId}`;
    const later = new Date(Date.now() + 60_000);
    const costOf = (calls: RecordedCall[]) =>
      calls.reduce(
        (sum, call) =>
          sum +
          ((call.response as { extensions?: { cost?: { actualQueryCost?: number } } }).extensions?.cost
            ?.actualQueryCost ?? 0),
        0,
      );
    const drainAll = (options: { bulkThreshold?: number }) =>
      timed(async () => {
        while (await scratch.prisma.outboxTask.count({ where: { shopId, topic: "sync_member", deliveredAt: null } })) {
          await syncMembersToShopify(scratch.prisma, later, { origin: double.origin }, options);
        }
      });
    // Per call first (the bulk path kept out), then the same members again through bulk operations.
    const drain = await drainAll({ bulkThreshold: Infinity });
    const calls = double.callsTo("SetMemberMetafields");
    const cost = costOf(calls);
    await scratch.prisma.$executeRaw`
      UPDATE "OutboxTask" SET "deliveredAt" = NULL, "runAt" = now() WHERE "shopId" = ${shopId} AND topic = 'sync_member'`;
    double.reset();
    const bulkDrain = await drainAll({});
    const bulkCost = costOf(double.calls);
    const perCall =
      calls.reduce((sum, call) => sum + (call.variables.metafields as unknown[]).length, 0) / Math.max(1, calls.length);
    return [
      {
        group: "metafield sync",
        name: "metafields per metafieldsSet call",
        database: kind,
        value: round(perCall, 1),
        unit: "metafields",
        goal: { op: ">=", value: 24 },
        detail: "5 per member, 5 members a call; Shopify's limit is 25",
      },
      {
        group: "metafield sync",
        name: "Admin API cost per member",
        database: kind,
        value: round(cost / scale.syncMembers, 2),
        unit: "points",
        detail: `${scale.syncMembers.toLocaleString("en")} members, ${calls.length} calls at 10 points`,
      },
      {
        group: "metafield sync",
        name: "sync drain",
        database: kind,
        value: round(scale.syncMembers / (drain.ms / 1000), 0),
        unit: "members/s",
        detail: "against the local Admin API double at the Plus rate (1000 points/s)",
      },
      {
        group: "metafield sync",
        name: "Admin API cost, bulk operations",
        database: kind,
        value: bulkCost,
        unit: "points",
        detail: `the same ${scale.syncMembers.toLocaleString("en")} members at or above the bulk threshold (${BULK_SYNC_THRESHOLD.toLocaleString("en")}): ${double.calls.length} calls (${[...new Set(double.calls.map((call) => call.operationName))].join(", ")}) against ${cost} points with calls; the same for any number of members`,
      },
      {
        group: "metafield sync",
        name: "sync drain, bulk operations",
        database: kind,
        value: round(scale.syncMembers / ((bulkDrain.ms - double.bulkOperationWorkMs) / 1000), 0),
        unit: "members/s",
        detail:
          "Tally's time: reading members, writing and uploading the files, reading the results (Shopify's run left out)",
      },
    ];
  } finally {
    await double.close();
    await scratch.drop();
  }
}

/** Every job figure for one database kind. */
export async function runJobsBench(kind: DatabaseKind, scale: JobsScale): Promise<Figure[]> {
  return [
    ...(await expiryFigures(kind, scale)),
    ...(await tierFigures(kind, scale)),
    ...(await syncFigures(kind, scale)),
    ...(await campaignFigures(kind, scale)),
  ];
}

/**
 * A points campaign to every member of a large store, as the campaigns job sends it: batches of
 * 1,000 members, each one transaction (awards, ledger entries, lots, balances, member syncs and
 * the surprise Flow events, which the shop has a workflow for). Goal: 60 s per 100k members.
 */
export async function campaignFigures(kind: DatabaseKind, scale: JobsScale): Promise<Figure[]> {
  const scratch = await scratchDatabase(kind);
  const double = await AdminApiDouble.start();
  try {
    const shopId = await installShop(scratch.prisma, double, defaultProgram(), [], "plus");
    await scratch.prisma.shop.update({ where: { id: shopId }, data: { flowTriggersEnabled: ["tally-surprise"] } });
    await seedMembers(kind, scratch.prisma, shopId, scale.campaignMembers, 1, () => "100", "NULL");
    const created = await createCampaign(
      scratch.prisma,
      await loadShop(scratch.prisma, shopId),
      { name: "Thank you", audience: { type: "all" }, points: 200, message: "200 points from Bench: thank you!" },
      null,
    );
    if (!created.ok) throw new Error("the bench campaign was refused");
    const run = await timed(() => runCampaigns(scratch.prisma, new Date(), undefined, { budgetMs: 3_600_000 }));
    const campaign = await scratch.prisma.campaign.findUniqueOrThrow({ where: { id: created.campaign.id } });
    const entries = await scratch.prisma.ledgerEntry.count({ where: { shopId, sourceType: "campaign" } });
    const consistent =
      campaign.status === "done" &&
      entries === scale.campaignMembers &&
      (await ledgerDiscrepancies(scratch.prisma, shopId)).length === 0;
    const detail = `${scale.campaignMembers.toLocaleString("en")} members in batches of 1,000: ${campaign.awarded.toLocaleString("en")} awarded, ${entries.toLocaleString("en")} ledger entries; ledger ${consistent ? "consistent" : "INCONSISTENT"}`;
    return [
      {
        group: "jobs at scale",
        name: "campaign to every member",
        database: kind,
        value: round(run.ms / 1000, 2),
        unit: "s",
        goal: { op: "<=", value: 60 * (scale.campaignMembers / 100_000) },
        detail,
      },
      {
        group: "jobs at scale",
        name: "campaign per 1,000 members",
        database: kind,
        value: round(run.ms / (scale.campaignMembers / 1_000), 1),
        unit: "ms",
      },
    ];
  } finally {
    await double.close();
    await scratch.drop();
  }
}
