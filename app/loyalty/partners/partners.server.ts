import type { PrismaClient } from "@prisma/client";
import { issuePartnerKey, keyHint } from "./keys.server";
import type { PartnerEarnMode, PartnerSettings } from "./partners";

/** A partner as the admin lists it: never its key, only a hint of which key it is. */
export interface PartnerSummary {
  id: string;
  name: string;
  earnMode: PartnerEarnMode;
  pointsPerUnit: number;
  pointsPerEvent: number;
  dailyCap: number | null;
  pendingDays: number;
  enrolNewCustomers: boolean;
  keyHint: string;
  keyRotatedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

/** A key to show the merchant once: it is not stored and cannot be read again. */
export interface ShownKey {
  partnerId: string;
  partnerName: string;
  key: string;
}

export async function listPartners(db: PrismaClient, shopId: string): Promise<PartnerSummary[]> {
  const partners = await db.partner.findMany({ where: { shopId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return partners.map((partner) => ({
    id: partner.id,
    name: partner.name,
    earnMode: partner.earnMode as PartnerEarnMode,
    pointsPerUnit: partner.pointsPerUnit,
    pointsPerEvent: partner.pointsPerEvent,
    dailyCap: partner.dailyCap,
    pendingDays: partner.pendingDays,
    enrolNewCustomers: partner.enrolNewCustomers,
    keyHint: keyHint(partner.keyId),
    keyRotatedAt: partner.keyRotatedAt?.toISOString() ?? null,
    revokedAt: partner.revokedAt?.toISOString() ?? null,
    createdAt: partner.createdAt.toISOString(),
  }));
}

/** A new partner with its first key (returned once). */
export async function createPartner(db: PrismaClient, shopId: string, settings: PartnerSettings): Promise<ShownKey> {
  const { key, keyId, keyHash } = issuePartnerKey();
  const partner = await db.partner.create({ data: { shopId, ...settings, keyId, keyHash } });
  return { partnerId: partner.id, partnerName: partner.name, key };
}

/** Changes how an active partner earns; its key stays. False for a partner of another shop, or a revoked one. */
export async function updatePartner(
  db: PrismaClient,
  shopId: string,
  partnerId: string,
  settings: PartnerSettings,
): Promise<boolean> {
  const { count } = await db.partner.updateMany({ where: { id: partnerId, shopId, revokedAt: null }, data: settings });
  return count > 0;
}

/**
 * A new key for an active partner (returned once); the old key stops working at once. Null for
 * a partner of another shop, or a revoked one.
 */
export async function rotatePartnerKey(
  db: PrismaClient,
  shopId: string,
  partnerId: string,
  now: Date,
): Promise<ShownKey | null> {
  const { key, keyId, keyHash } = issuePartnerKey();
  const { count } = await db.partner.updateMany({
    where: { id: partnerId, shopId, revokedAt: null },
    data: { keyId, keyHash, keyRotatedAt: now },
  });
  if (!count) return null;
  const partner = await db.partner.findUniqueOrThrow({ where: { id: partnerId }, select: { name: true } });
  return { partnerId, partnerName: partner.name, key };
}

/** Revokes a partner's key for good: its awards stay (and in the report). False when not the shop's or already revoked. */
export async function revokePartner(db: PrismaClient, shopId: string, partnerId: string, now: Date): Promise<boolean> {
  const { count } = await db.partner.updateMany({
    where: { id: partnerId, shopId, revokedAt: null },
    data: { revokedAt: now },
  });
  return count > 0;
}
