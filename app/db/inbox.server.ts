import { EventEmitter } from "node:events";
import { Prisma, type PrismaClient } from "@prisma/client";
import { NOW_UTC } from "./clock.server";
import type { Database } from "./database.server";

// The webhook inbox (docs/decisions/0030-webhooks-accepted-then-applied.md): `WebhookDelivery` rows
// whose payload is set and that are not parked are pending.

/** The PostgreSQL channel an accepted delivery is announced on, to appliers on every instance. */
export const INBOX_CHANNEL = "tally_inbox";

/**
 * How long a claimed delivery is left to its applier before another may take it (the applier died,
 * or its connection did). Short is safe: applying marks the row first, so a delivery taken again
 * while a slow applier still holds it waits on that row and then finds it applied.
 */
export const INBOX_LEASE_MS = 15_000;

/** Failed applications before a delivery is parked; the waits between them, in ms. */
export const INBOX_ATTEMPTS = 3;
const RETRY_AFTER_MS = [1_000, 5_000];

export interface AcceptedDelivery {
  shopDomain: string;
  webhookId: string;
  eventId: string | null;
  topic: string;
  apiVersion: string | null;
  triggeredAt: Date | null;
  /** The JSON body as Shopify sent it: a `json` column keeps it byte for byte. */
  body: string;
  orderingKey: string | null;
}

/**
 * The inbox's insert: one row with the body, deduplicated by webhook id. The NOTIFY rides on the
 * same statement and reaches listeners when it commits. The bench's raw baseline writes exactly
 * this statement (scripts/bench/http.ts, bare-ingest.ts), so the app is held to its own work.
 */
export const STORE_DELIVERY_SQL = `
  WITH stored AS (
    INSERT INTO "WebhookDelivery" (id, "shopId", "shopDomain", "webhookId", "eventId", topic, "apiVersion", "triggeredAt", "receivedAt", payload, "orderingKey")
    SELECT gen_random_uuid()::text, (SELECT id FROM "Shop" WHERE domain = $1), $1, $2, $3, $4, $5,
           ($6::timestamptz AT TIME ZONE 'UTC'), (clock_timestamp() AT TIME ZONE 'UTC'), $7::json, $8
    ON CONFLICT ("shopDomain", "webhookId") DO NOTHING
    RETURNING 1)
  SELECT pg_notify('${INBOX_CHANNEL}', '') IS NULL AS notified FROM stored`;

export const storeDeliveryParams = (delivery: AcceptedDelivery) => [
  delivery.shopDomain,
  delivery.webhookId,
  delivery.eventId,
  delivery.topic,
  delivery.apiVersion,
  delivery.triggeredAt?.toISOString() ?? null,
  delivery.body,
  delivery.orderingKey,
];

/**
 * Stores an accepted delivery, committed before the webhook answers; Shopify's retry of one
 * already here is "duplicate". Straight on the pool: this runs on every webhook.
 */
export async function storeDelivery(
  database: Pick<Database, "query">,
  delivery: AcceptedDelivery,
): Promise<"accepted" | "duplicate"> {
  const stored = await database.query(STORE_DELIVERY_SQL, storeDeliveryParams(delivery));
  return stored.length ? "accepted" : "duplicate";
}

export interface ClaimedDelivery {
  id: string;
  shopDomain: string;
  topic: string;
  payload: unknown;
  attempts: number;
}

/**
 * How many of a shop's oldest pending deliveries a claim looks at. Each key's first among them is
 * its oldest pending one (they are a prefix in arrival order), so the claim finds the keys it may
 * take without looking past them: checking every pending delivery for an older one with its key cost
 * 100 ms a claim at 8,000 pending (`npm run bench`), a third of the database's time. A delivery
 * further back waits for the ones in front to be applied, as it would in a queue.
 */
const claimWindow = (limit: number) => Math.max(2_000, 20 * limit);

/**
 * Claims up to `limit` pending deliveries for this applier, each shop's oldest in turn: every shop
 * with deliveries waiting gets its first one in the batch before any gets a second, so one shop's
 * flash sale does not hold up another shop's points. The shops with a delivery to claim are found
 * by skipping through the pending index, and each offers at most twice its fair share of candidates.
 * A delivery whose key has an older one pending (claimed or not, but not parked) waits for it, so
 * one customer's deliveries apply in the order they came, whatever the number of appliers: only
 * each key's oldest pending delivery in the shop's claim window is a candidate. The claim pushes the
 * lease in the statement that locks the rows (`FOR UPDATE SKIP LOCKED`, the lease checked again on
 * the locked row), so two appliers never hold one delivery.
 */
export async function claimDeliveries(db: PrismaClient, limit: number): Promise<ClaimedDelivery[]> {
  const claimed = await db.$queryRaw<(ClaimedDelivery & { seq: bigint })[]>`
    WITH RECURSIVE shops ("shopDomain") AS (
        (SELECT "shopDomain" FROM "WebhookDelivery"
          WHERE payload IS NOT NULL AND "parkedAt" IS NULL AND ("claimedUntil" IS NULL OR "claimedUntil" < ${NOW_UTC})
          ORDER BY "shopDomain" LIMIT 1)
      UNION ALL
        SELECT (SELECT later."shopDomain" FROM "WebhookDelivery" later
                 WHERE later.payload IS NOT NULL AND later."parkedAt" IS NULL AND later."shopDomain" > shops."shopDomain"
                   AND (later."claimedUntil" IS NULL OR later."claimedUntil" < ${NOW_UTC})
                 ORDER BY later."shopDomain" LIMIT 1)
          FROM shops WHERE shops."shopDomain" IS NOT NULL
    ), waiting AS (
      SELECT "shopDomain" FROM shops WHERE "shopDomain" IS NOT NULL
    ), candidates AS (
      SELECT waiting."shopDomain", heads.id, heads.seq
        FROM waiting CROSS JOIN LATERAL (
          SELECT oldest.id, oldest.seq FROM (
            SELECT prefix.id, prefix.seq, prefix."claimedUntil",
                   row_number() OVER (PARTITION BY COALESCE(prefix."orderingKey", prefix.id) ORDER BY prefix.seq) AS place
              FROM (SELECT pending.id, pending.seq, pending."orderingKey", pending."claimedUntil" FROM "WebhookDelivery" pending
                     WHERE pending."shopDomain" = waiting."shopDomain" AND pending.payload IS NOT NULL AND pending."parkedAt" IS NULL
                     ORDER BY pending.seq
                     LIMIT ${claimWindow(limit)}) prefix) oldest
           WHERE oldest.place = 1 AND (oldest."claimedUntil" IS NULL OR oldest."claimedUntil" < ${NOW_UTC})
           ORDER BY oldest.seq
           LIMIT (SELECT 2 * ceil(${limit}::numeric / count(*))::int FROM waiting)) heads
    ), turns AS (
      SELECT id, seq, row_number() OVER (PARTITION BY "shopDomain" ORDER BY seq) AS turn FROM candidates
    )
    UPDATE "WebhookDelivery" SET "claimedUntil" = ${NOW_UTC} + ${`${INBOX_LEASE_MS} milliseconds`}::interval,
                                 attempts = attempts + 1
     WHERE id IN (SELECT locked.id FROM "WebhookDelivery" locked
                   WHERE locked.id IN (SELECT id FROM turns ORDER BY turn, seq LIMIT ${limit})
                     AND locked.payload IS NOT NULL AND locked."parkedAt" IS NULL
                     AND (locked."claimedUntil" IS NULL OR locked."claimedUntil" < ${NOW_UTC})
                   FOR UPDATE SKIP LOCKED)
    RETURNING id, "shopDomain", topic, payload, attempts, seq`;
  return claimed.sort((a, b) => (a.seq < b.seq ? -1 : 1));
}

/**
 * Marks claimed deliveries applied in the transaction that applies them, and returns those this
 * transaction now owns: one another applier finished first (after this one's lease ran out) is
 * left out, so no delivery is applied twice. The body goes: what it said now lives in the ledger.
 */
export async function markApplied(tx: Prisma.TransactionClient, ids: string[]): Promise<Set<string>> {
  const marked = await tx.$queryRaw<{ id: string }[]>`
    UPDATE "WebhookDelivery" SET "appliedAt" = ${NOW_UTC}, payload = NULL, "claimedUntil" = NULL, error = NULL
     WHERE id = ANY(${ids}) AND payload IS NOT NULL AND "parkedAt" IS NULL
    RETURNING id`;
  return new Set(marked.map((row) => row.id));
}

/**
 * Stamps when deliveries were applied, as the last statement of the transaction that applied them:
 * `appliedAt − receivedAt` is then the apply lag a shopper waits (the bench reads it).
 */
export async function stampApplied(tx: Prisma.TransactionClient, ids: string[]): Promise<void> {
  if (ids.length) await tx.$executeRaw`UPDATE "WebhookDelivery" SET "appliedAt" = ${NOW_UTC} WHERE id = ANY(${ids})`;
}

/** Gives claimed deliveries back at once, untried (the database went away mid-batch). */
export async function releaseDeliveries(db: PrismaClient, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await db.$executeRaw`
    UPDATE "WebhookDelivery" SET "claimedUntil" = NULL, attempts = GREATEST(attempts - 1, 0)
     WHERE id = ANY(${ids}) AND payload IS NOT NULL`;
}

/**
 * Puts claimed deliveries back for a while without counting an attempt: their shop cannot be
 * applied to yet (no valid program), which is no fault of theirs and must not park them.
 */
export async function deferDeliveries(db: PrismaClient, ids: string[], forMs: number): Promise<void> {
  if (!ids.length) return;
  await db.$executeRaw`
    UPDATE "WebhookDelivery" SET "claimedUntil" = ${NOW_UTC} + ${`${forMs} milliseconds`}::interval,
                                 attempts = GREATEST(attempts - 1, 0)
     WHERE id = ANY(${ids}) AND payload IS NOT NULL`;
}

/** A delivery that failed: tried again after a wait, or parked with its error after its last attempt. */
export async function recordFailure(
  db: PrismaClient,
  delivery: ClaimedDelivery,
  error: string,
  options: { park?: boolean } = {},
): Promise<"retry" | "parked"> {
  const park = options.park || delivery.attempts >= INBOX_ATTEMPTS;
  const retryAfter = `${RETRY_AFTER_MS[Math.min(delivery.attempts, RETRY_AFTER_MS.length) - 1] ?? 0} milliseconds`;
  await db.$executeRaw`
    UPDATE "WebhookDelivery"
       SET error = ${error.slice(0, 2_000)},
           "parkedAt" = CASE WHEN ${park} THEN ${NOW_UTC} END,
           "claimedUntil" = CASE WHEN ${park} THEN NULL ELSE ${NOW_UTC} + ${retryAfter}::interval END
     WHERE id = ${delivery.id} AND payload IS NOT NULL`;
  return park ? "parked" : "retry";
}

/** Whether a customer has deliveries accepted and not yet applied: their points are on the way. */
export async function customerDeliveriesPending(
  db: PrismaClient | Prisma.TransactionClient,
  shopDomain: string,
  customerId: string,
): Promise<boolean> {
  const pending = await db.$queryRaw<unknown[]>`
    SELECT 1 FROM "WebhookDelivery"
     WHERE "shopDomain" = ${shopDomain} AND "orderingKey" = ${customerId} AND payload IS NOT NULL AND "parkedAt" IS NULL
     LIMIT 1`;
  return pending.length > 0;
}

// This process's appliers wake at once on a delivery it accepted; other instances hear the NOTIFY.
const accepted = new EventEmitter();
accepted.setMaxListeners(0);

export function signalDeliveryAccepted(): void {
  accepted.emit("delivery");
}

export function onDeliveryAccepted(listener: () => void): () => void {
  accepted.on("delivery", listener);
  return () => accepted.off("delivery", listener);
}

/**
 * A redacted customer's deliveries lose their key (the customer's id) and, when not yet applied
 * (or parked), their bodies, which hold the customer's details: they are not applied after the
 * customer was forgotten.
 */
export async function forgetCustomerDeliveries(
  tx: Prisma.TransactionClient,
  shopDomain: string,
  customerId: string,
): Promise<void> {
  await tx.$executeRaw`
    UPDATE "WebhookDelivery"
       SET payload = NULL, "orderingKey" = NULL, "claimedUntil" = NULL,
           error = CASE WHEN payload IS NOT NULL THEN 'customer redacted' ELSE error END
     WHERE "shopDomain" = ${shopDomain} AND "orderingKey" = ${customerId}`;
}

/** Which parked deliveries an operator means: all, one shop's, one topic's. */
export interface ParkedFilter {
  shopDomain?: string;
  topic?: string;
}

export interface ParkedDelivery {
  shopDomain: string;
  topic: string;
  webhookId: string;
  receivedAt: Date;
  parkedAt: Date;
  attempts: number;
  error: string | null;
}

const matchesFilter = (filter: ParkedFilter) =>
  Prisma.sql`(${filter.shopDomain ?? null}::text IS NULL OR "shopDomain" = ${filter.shopDomain ?? null})
         AND (${filter.topic ?? null}::text IS NULL OR topic = ${filter.topic ?? null})`;

/** The parked deliveries, oldest first, with their errors (`npm run inbox -- parked`). */
export async function parkedDeliveries(db: PrismaClient, filter: ParkedFilter = {}, limit = 1_000) {
  return db.$queryRaw<ParkedDelivery[]>`
    SELECT "shopDomain", topic, "webhookId", "receivedAt", "parkedAt", attempts, error
      FROM "WebhookDelivery"
     WHERE "parkedAt" IS NOT NULL AND payload IS NOT NULL
       AND ${matchesFilter(filter)}
     ORDER BY "receivedAt"
     LIMIT ${limit}`;
}

/**
 * Gives parked deliveries back to the appliers once their cause is mended (a release): each is
 * pending again with its attempts afresh, and the appliers on every instance hear of it. Applied
 * once, as any delivery: the ledger's keys make one that partly applied before harmless.
 */
export async function retryParked(db: PrismaClient, filter: ParkedFilter = {}): Promise<number> {
  const [row] = await db.$queryRaw<{ retried: number }[]>`
    WITH retried AS (
      UPDATE "WebhookDelivery" SET "parkedAt" = NULL, attempts = 0, "claimedUntil" = NULL
       WHERE "parkedAt" IS NOT NULL AND payload IS NOT NULL
         AND ${matchesFilter(filter)}
      RETURNING 1)
    SELECT count(*)::int AS retried, pg_notify(${INBOX_CHANNEL}, '') IS NULL AS notified FROM retried`;
  return row?.retried ?? 0;
}
