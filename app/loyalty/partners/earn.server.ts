import type { PrismaClient } from "@prisma/client";
import { NOW_UTC } from "~/db/clock.server";
import { inTransaction } from "~/db/transaction.server";
import { keyedHash } from "~/loyalty/points/keyed-hash.server";
import { credit, lockMemberForCustomer, type Tx } from "~/loyalty/points/ledger.server";
import { expiresAtFor, loadShop } from "~/loyalty/program/program.server";
import { evaluateMemberTier } from "~/loyalty/tiers/tiers.server";
import { minorUnitDigits } from "~/money/currency";
import type { AdminGateway } from "~/shopify/admin-gateway.server";
import { findCustomerById, findOrCreateCustomerByEmail } from "~/shopify/customers.server";
import { fetchShopDetails } from "~/shopify/shop-details.server";
import { keyMatches, partnerKeyId } from "./keys.server";
import {
  partnerAvailableAt,
  partnerEntryReason,
  pointsForRequest,
  requestFingerprint,
  withinDailyCap,
  type EarnRequest,
  type PartnerEarnMode,
} from "./partners";

/** A partner whose key was presented and matched: active, of an installed shop. */
export interface AuthenticatedPartner {
  id: string;
  shopId: string;
  shopDomain: string;
  name: string;
  earnMode: PartnerEarnMode;
  pointsPerUnit: number;
  pointsPerEvent: number;
  dailyCap: number | null;
  pendingDays: number;
  enrolNewCustomers: boolean;
}

/**
 * The partner an `Authorization: Bearer <key>` header names, or null: a malformed, unknown,
 * rotated or revoked key, or a shop that uninstalled Tally, all give the same null. The key's
 * hash is compared in constant time, also when no partner matched.
 */
export async function authenticatePartner(
  db: PrismaClient,
  authorization: string | null,
): Promise<AuthenticatedPartner | null> {
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1] ?? "";
  const keyId = partnerKeyId(presented);
  const partner = keyId
    ? await db.partner.findUnique({ where: { keyId }, include: { shop: { select: { domain: true, status: true } } } })
    : null;
  const usable = partner && partner.revokedAt === null && partner.shop.status === "installed" ? partner : null;
  if (!keyMatches(presented, usable?.keyHash ?? null) || !usable) return null;
  return {
    id: usable.id,
    shopId: usable.shopId,
    shopDomain: usable.shop.domain,
    name: usable.name,
    earnMode: usable.earnMode as PartnerEarnMode,
    pointsPerUnit: usable.pointsPerUnit,
    pointsPerEvent: usable.pointsPerEvent,
    dailyCap: usable.dailyCap,
    pendingDays: usable.pendingDays,
    enrolNewCustomers: usable.enrolNewCustomers,
  };
}

/** An award as the partner sees it (the same answer for the first request and its repeats). */
export interface PartnerAwardView {
  id: string;
  externalId: string;
  customerId: string | null;
  points: number;
  status: "available" | "pending";
  availableAt: string;
  createdAt: string;
}

export type EarnResult =
  | { status: "awarded" | "pending" | "duplicate"; award: PartnerAwardView }
  | { status: "idempotency_key_reused" | "daily_cap_reached" | "unknown_customer" | "program_disabled" }
  | { status: "refused"; error: string; message: string };

export interface EarnDependencies {
  /** The shop's Admin API, reached only when needed (the shop's currency, enrolling a customer). */
  admin: () => Promise<AdminGateway>;
  now: Date;
}

/** Rolls the transaction back with an answer: nothing a refused request did is kept. */
class Refusal extends Error {
  constructor(readonly result: EarnResult) {
    super(result.status);
  }
}

type StoredAward = {
  id: string;
  requestHash: string;
  points: number;
  availableAt: Date;
  createdAt: Date;
  member: { shopifyCustomerId: string | null };
};

const view = (award: StoredAward, externalId: string, now: Date): PartnerAwardView => ({
  id: award.id,
  externalId,
  customerId: award.member.shopifyCustomerId,
  points: award.points,
  status: award.availableAt > now ? "pending" : "available",
  availableAt: award.availableAt.toISOString(),
  createdAt: award.createdAt.toISOString(),
});

async function earlierAward(
  db: PrismaClient | Tx,
  partnerId: string,
  externalKey: string,
  fingerprint: string,
  externalId: string,
  now: Date,
): Promise<EarnResult | null> {
  const award = await db.partnerAward.findUnique({
    where: { partnerId_externalKey: { partnerId, externalKey } },
    select: {
      id: true,
      requestHash: true,
      points: true,
      availableAt: true,
      createdAt: true,
      member: { select: { shopifyCustomerId: true } },
    },
  });
  if (!award) return null;
  if (award.requestHash !== fingerprint) return { status: "idempotency_key_reused" };
  return { status: "duplicate", award: view(award, externalId, now) };
}

/** The shop's currency: as stored, else asked of Shopify once and kept. */
async function shopCurrency(db: PrismaClient, shopId: string, deps: EarnDependencies): Promise<string> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { currencyCode: true } });
  if (shop.currencyCode) return shop.currencyCode;
  const { currencyCode } = await fetchShopDetails(await deps.admin());
  await db.shop.update({ where: { id: shopId }, data: { currencyCode } });
  return currencyCode;
}

/**
 * The Shopify customer the request names: a member of the shop, or — when the partner enrols new
 * customers — a Shopify customer found (or, for an email, created) through the Admin API, who
 * becomes a member with the award. Null: unknown.
 */
async function resolveCustomer(
  db: PrismaClient,
  partner: AuthenticatedPartner,
  customer: EarnRequest["customer"],
  deps: EarnDependencies,
): Promise<{ customerId: string; email: string | null } | null> {
  const active = { shopId: partner.shopId, redactedAt: null, deletedAt: null };
  if ("id" in customer) {
    const member = await db.member.findFirst({ where: { ...active, shopifyCustomerId: customer.id } });
    if (member) return { customerId: customer.id, email: member.email };
    if (!partner.enrolNewCustomers) return null;
    const found = await findCustomerById(await deps.admin(), customer.id);
    return found ? { customerId: found.customerId, email: found.email || null } : null;
  }
  const member = await db.member.findFirst({
    where: { ...active, email: { equals: customer.email, mode: "insensitive" }, shopifyCustomerId: { not: null } },
    orderBy: { createdAt: "asc" },
  });
  if (member) return { customerId: member.shopifyCustomerId!, email: member.email };
  if (!partner.enrolNewCustomers) return null;
  const found = await findOrCreateCustomerByEmail(await deps.admin(), customer.email);
  return { customerId: found.customerId, email: found.email };
}

/** Points a member got from this partner in the last 24 hours (the database's clock, which stamps the awards). */
async function earnedToday(tx: Tx, partnerId: string, memberId: string): Promise<number> {
  const [row] = await tx.$queryRaw<Array<{ points: bigint | null }>>`
    SELECT SUM(points)::bigint AS points FROM "PartnerAward"
     WHERE "partnerId" = ${partnerId} AND "memberId" = ${memberId} AND "createdAt" > ${NOW_UTC} - interval '1 day'`;
  return Number(row?.points ?? 0n);
}

/**
 * A partner's award of the shop's points: once per externalId (a repeat answers with the first
 * award, a reuse with other content is refused), within the partner's daily cap per customer,
 * pending for the partner's pending days, then the member's tier evaluated as for any earning.
 * A refusal writes nothing.
 */
export async function earnPartnerPoints(
  db: PrismaClient,
  partner: AuthenticatedPartner,
  request: EarnRequest,
  deps: EarnDependencies,
): Promise<EarnResult> {
  const { now } = deps;
  const externalKey = keyedHash(request.externalId);
  const fingerprint = requestFingerprint(request);
  const earlier = await earlierAward(db, partner.id, externalKey, fingerprint, request.externalId, now);
  if (earlier) return earlier;

  const shop = await loadShop(db, partner.shopId);
  if (!shop.program.enabled) return { status: "program_disabled" };
  const currency = partner.earnMode === "per_amount" ? await shopCurrency(db, partner.shopId, deps) : "";
  const points = pointsForRequest(partner, request, currency, minorUnitDigits(currency));
  if (!points.ok) return { status: "refused", error: points.error, message: points.message };

  const customer = await resolveCustomer(db, partner, request.customer, deps);
  if (!customer) return { status: "unknown_customer" };

  try {
    return await inTransaction(db, async (tx) => {
      const member = await lockMemberForCustomer(tx, shop.id, customer.customerId, { email: customer.email });
      // Under the member's lock, and after a concurrent first request committed (its unique award
      // row made this transaction retry): the repeat sees the award.
      const raced = await earlierAward(tx, partner.id, externalKey, fingerprint, request.externalId, now);
      if (raced) throw new Refusal(raced);
      if (!withinDailyCap(partner.dailyCap, await earnedToday(tx, partner.id, member.id), points.points))
        throw new Refusal({ status: "daily_cap_reached" });

      const availableAt = partnerAvailableAt(now, partner.pendingDays);
      const [award] = await tx.$queryRaw<StoredAward[]>`
        INSERT INTO "PartnerAward" (id, "shopId", "partnerId", "memberId", "externalKey", "requestHash", points, amount, "currencyCode", "availableAt", "createdAt")
        VALUES (gen_random_uuid()::text, ${shop.id}, ${partner.id}, ${member.id}, ${externalKey}, ${fingerprint}, ${points.points},
                ${points.amountMinorUnits}, ${points.amountMinorUnits === null ? null : currency}, ${availableAt}, ${NOW_UTC})
        RETURNING id, "requestHash", points, "availableAt", "createdAt"`;
      await credit(tx, member, {
        key: `partner:${partner.id}:${externalKey}`,
        kind: "partner",
        points: points.points,
        now,
        availableAt,
        expiresAt: expiresAtFor(shop.program, now),
        activityAt: now,
        source: `partner:${partner.id}`,
        sourceType: "partner",
        sourceId: partner.id,
        reason: partnerEntryReason(partner.name, request.description),
      });
      await evaluateMemberTier(tx, shop, member, now, "earn");
      const stored = { ...award!, member: { shopifyCustomerId: customer.customerId } };
      return { status: availableAt > now ? "pending" : "awarded", award: view(stored, request.externalId, now) };
    });
  } catch (error) {
    if (error instanceof Refusal) return error.result;
    throw error;
  }
}
