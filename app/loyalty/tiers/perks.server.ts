import type { PrismaClient, TierPerkSync } from "@prisma/client";
import type { ShopperLanguage } from "~/languages";
import type { LoadedShop } from "~/loyalty/program/program.server";
import type { AdminGateway } from "~/shopify/admin-gateway.server";
import {
  createAutomaticDiscount,
  deleteAutomaticDiscount,
  existingNodes,
  updateAutomaticDiscount,
  type AutomaticSegmentDiscount,
} from "~/shopify/automatic-discounts.server";
import { deleteSegment, ensureSegment, updateSegment } from "~/shopify/segments.server";
import { AdminUserError } from "~/shopify/errors";
import {
  desiredTierPerks,
  perkStatus,
  type DesiredPerkDiscount,
  type DesiredTierPerk,
  type PerkKind,
  type PerkStatus,
  type TierPerkKind,
  type TierPerkSyncStatus,
} from "./perks";

export interface TierPerkSyncReport {
  created: number;
  updated: number;
  deleted: number;
  failed: number;
  /** Deleted in Shopify by hand since the last pass (then made again). */
  missing: number;
}

const rowKey = (item: { tierId: string; kind: string }) => `${item.tierId}:${item.kind}`;

/**
 * Brings a shop's tier perks in Shopify in line with its program: what was deleted there by hand is
 * found missing and made again, each tier's segment and perk discounts are created or updated when
 * their desired state changed, and what the program no longer has is deleted. A refusal (userErrors)
 * marks that item failed with Shopify's reason and the pass goes on; a failure that can pass
 * (throttling, 5xx, network) is thrown for the outbox to retry — rows written so far stay, so the
 * next pass resumes. Creates look their discount up by title and tag first: a lost answer never
 * makes a second one. The caller holds the shop's one sync task: passes never overlap.
 */
export async function syncTierPerks(
  db: PrismaClient,
  shop: LoadedShop,
  admin: AdminGateway,
  startsAt: Date,
): Promise<TierPerkSyncReport> {
  const report: TierPerkSyncReport = { created: 0, updated: 0, deleted: 0, failed: 0, missing: 0 };
  const rows = new Map(
    (await db.tierPerkSync.findMany({ where: { shopId: shop.id } })).map((row) => [rowKey(row), row]),
  );
  const save = async (item: { tierId: string; kind: TierPerkKind }, data: RowState) => {
    const saved = await db.tierPerkSync.upsert({
      where: { shopId_tierId_kind: { shopId: shop.id, tierId: item.tierId, kind: item.kind } },
      create: { shopId: shop.id, tierId: item.tierId, kind: item.kind, ...data },
      update: data,
    });
    rows.set(rowKey(item), saved);
  };

  // The reconcile: what Shopify no longer has is missing (and made again below).
  const made = [...rows.values()].filter((row) => row.shopifyId);
  const present = made.length
    ? await existingNodes(
        admin,
        made.map((row) => row.shopifyId!),
      )
    : new Set<string>();
  for (const row of made) {
    if (present.has(row.shopifyId!)) continue;
    console.warn(
      JSON.stringify({ event: "tier_perks.missing", shop: shop.domain, tierId: row.tierId, kind: row.kind }),
    );
    await save(row as { tierId: string; kind: TierPerkKind }, { ...stateOf(row), shopifyId: null, status: "missing" });
    report.missing++;
  }

  const desired = desiredTierPerks(shop.program, await shopLanguage(db, shop.id));
  const wanted = new Set(desired.map(rowKey));
  // Discounts before segments: a segment a discount still uses cannot go first.
  const unwanted = [...rows.values()]
    .filter((row) => !wanted.has(rowKey(row)))
    .sort((a, b) => Number(a.kind === "segment") - Number(b.kind === "segment"));
  for (const row of unwanted) {
    if (row.shopifyId) {
      if (row.kind === "segment") await deleteSegment(admin, row.shopifyId);
      else await deleteAutomaticDiscount(admin, row.shopifyId);
      report.deleted++;
    }
    await db.tierPerkSync.delete({ where: { id: row.id } });
    rows.delete(rowKey(row));
  }

  for (const items of Map.groupBy(desired, (item) => item.tierId).values()) {
    const segment = items.find((item) => item.kind === "segment")!;
    let segmentRow = rows.get(rowKey(segment));
    let segmentChanged = false;
    try {
      if (!segmentRow?.shopifyId || !(await keepSegment(admin, segmentRow, segment))) {
        const id = await ensureSegment(admin, { name: segment.name, query: segment.query });
        segmentChanged = id !== segmentRow?.shopifyId;
        await save(segment, { shopifyId: id, desiredHash: segment.hash, status: "active", lastError: null });
        if (segmentChanged) report.created++;
      } else if (segmentRow.desiredHash !== segment.hash || segmentRow.status !== "active") {
        await save(segment, { ...stateOf(segmentRow), desiredHash: segment.hash, status: "active", lastError: null });
        report.updated++;
      }
    } catch (error) {
      if (!(error instanceof AdminUserError)) throw error;
      // Without its segment no perk of the tier can exist: each says why.
      for (const item of items) await save(item, failed(rows.get(rowKey(item)), item, error));
      report.failed++;
      continue;
    }
    segmentRow = rows.get(rowKey(segment))!;
    for (const perk of items.filter((item): item is DesiredPerkDiscount => item.kind !== "segment")) {
      const row = rows.get(rowKey(perk));
      if (row?.shopifyId && row.status === "active" && row.desiredHash === perk.hash && !segmentChanged) continue;
      const discount = discountFor(perk, segmentRow.shopifyId!, startsAt);
      try {
        if (row?.shopifyId && (await updateAutomaticDiscount(admin, row.shopifyId, discount))) {
          report.updated++;
          await save(perk, { shopifyId: row.shopifyId, desiredHash: perk.hash, status: "active", lastError: null });
        } else {
          const id = await createAutomaticDiscount(admin, discount);
          report.created++;
          await save(perk, { shopifyId: id, desiredHash: perk.hash, status: "active", lastError: null });
        }
      } catch (error) {
        if (!(error instanceof AdminUserError)) throw error;
        await save(perk, failed(row, perk, error));
        report.failed++;
      }
    }
  }
  return report;
}

/** The shop's primary language: automatic discount titles are in it. */
async function shopLanguage(db: PrismaClient, shopId: string) {
  const { language } = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { language: true } });
  return language as ShopperLanguage;
}

type RowState = Pick<TierPerkSync, "shopifyId" | "desiredHash" | "status" | "lastError">;

const stateOf = (row: TierPerkSync): RowState => ({
  shopifyId: row.shopifyId,
  desiredHash: row.desiredHash,
  status: row.status,
  lastError: row.lastError,
});

const failed = (row: TierPerkSync | undefined, item: DesiredTierPerk, error: AdminUserError): RowState => ({
  shopifyId: row?.shopifyId ?? null,
  desiredHash: item.hash,
  status: "failed" satisfies TierPerkSyncStatus,
  lastError: error.userErrors
    .map((e) => e.message)
    .join("; ")
    .slice(0, 500),
});

/** The segment as the program wants it, updated in place; false when Shopify no longer has it. */
async function keepSegment(admin: AdminGateway, row: TierPerkSync, segment: DesiredTierPerk & { kind: "segment" }) {
  if (row.desiredHash === segment.hash && row.status === "active") return true;
  return updateSegment(admin, row.shopifyId!, { name: segment.name, query: segment.query });
}

function discountFor(perk: DesiredPerkDiscount, segmentId: string, startsAt: Date): AutomaticSegmentDiscount {
  return { title: perk.title, tag: perk.tag, segmentId, startsAt, combinesWith: perk.combinesWith, value: perk.value };
}

export interface TierPerkView {
  kind: PerkKind;
  title: string;
  shopify: PerkStatus;
}

/** Each tier's perks with where Shopify stands on each (the admin's tier page). */
export async function tierPerkStatuses(db: PrismaClient, shop: LoadedShop): Promise<Record<string, TierPerkView[]>> {
  const rows = new Map(
    (await db.tierPerkSync.findMany({ where: { shopId: shop.id } })).map((row) => [rowKey(row), row]),
  );
  const byTier: Record<string, TierPerkView[]> = {};
  const desired = desiredTierPerks(shop.program, await shopLanguage(db, shop.id));
  for (const [tierId, items] of Map.groupBy(desired, (item) => item.tierId)) {
    const segment = items.find((item) => item.kind === "segment")!;
    const segmentStatus = perkStatus(segment, rows.get(rowKey(segment)));
    byTier[tierId] = items
      .filter((item): item is DesiredPerkDiscount => item.kind !== "segment")
      .map((perk) => ({
        kind: perk.kind,
        title: perk.title,
        shopify: segmentStatus.status === "failed" ? segmentStatus : perkStatus(perk, rows.get(rowKey(perk))),
      }));
  }
  return byTier;
}
