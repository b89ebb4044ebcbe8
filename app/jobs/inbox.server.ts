import type { PrismaClient } from "@prisma/client";
import type { Database } from "~/db/database.server";
import {
  claimDeliveries,
  deferDeliveries,
  INBOX_CHANNEL,
  markApplied,
  onDeliveryAccepted,
  recordFailure,
  releaseDeliveries,
  stampApplied,
  type ClaimedDelivery,
} from "~/db/inbox.server";
import { inTransaction } from "~/db/transaction.server";
import { isDatabaseUnavailable } from "~/db/unavailable.server";
import { isShopWebhookTopic, SHOP_WEBHOOK_TOPICS, type ShopWebhookTopic } from "~/edge/shop-webhook-topics.server";
import { isProgramUnavailable, type LoadedShop } from "~/loyalty/program/program.server";
import { findInstalledShop } from "~/loyalty/program/shops.server";

/** Deliveries applied per transaction: one commit for many, which is where the speed comes from. */
export const INBOX_BATCH = 100;
const PGLITE_INBOX_BATCH = 10;

/** Appliers side by side in one process on PostgreSQL (each holds a connection while it applies). */
const INBOX_APPLIERS_ON_POSTGRES = 4;

/** How long a shop's deliveries wait before looking again whether it has a valid program. */
const PROGRAM_UNAVAILABLE_WAIT_MS = 5_000;

/** How often an idle applier looks anyway: retries coming due, leases run out, a lost NOTIFY. */
const IDLE_POLL_MS = 1_000;

export interface InboxReport {
  job: "inbox";
  processed: number;
  parked: number;
  retrying: number;
}

interface Ready {
  delivery: ClaimedDelivery;
  handler: ShopWebhookTopic;
  payload: unknown;
  shop: LoadedShop | null;
  prepared: unknown;
}

/**
 * Applies pending webhook deliveries until none is left to claim: a batch at a time, in one
 * transaction; when a batch fails, each of its deliveries alone, so one that cannot be applied
 * (a bug, a poison payload) is retried, then parked with its error, and never holds up the rest.
 */
export async function applyInbox(
  db: PrismaClient,
  options: {
    batchSize?: number;
    /** After each batch: what it applied or parked may have let a customer's next delivery through. */
    afterBatch?: () => void;
  } = {},
): Promise<InboxReport> {
  const report: InboxReport = { job: "inbox", processed: 0, parked: 0, retrying: 0 };
  for (;;) {
    const claimed = await claimDeliveries(db, options.batchSize ?? INBOX_BATCH);
    if (!claimed.length) return report;
    let ready: Ready[];
    try {
      ready = await prepareAll(db, claimed, report);
    } catch (error) {
      await releaseDeliveries(
        db,
        claimed.map((delivery) => delivery.id),
      ).catch(() => {});
      throw error;
    }
    try {
      report.processed += await applyTogether(db, ready);
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        await releaseDeliveries(
          db,
          ready.map((one) => one.delivery.id),
        ).catch(() => {});
        throw error;
      }
      for (const one of ready) {
        try {
          report.processed += await applyTogether(db, [one]);
        } catch (alone) {
          if (isDatabaseUnavailable(alone)) throw alone;
          const outcome = await recordFailure(db, one.delivery, describe(alone));
          report[outcome === "parked" ? "parked" : "retrying"] += 1;
          logFailure(one.delivery, alone, outcome);
        }
      }
    }
    options.afterBatch?.();
  }
}

/** Parses each delivery for its topic and loads its shop; Admin API look-ups run side by side. */
async function prepareAll(db: PrismaClient, claimed: ClaimedDelivery[], report: InboxReport): Promise<Ready[]> {
  const shops = new Map<string, Promise<LoadedShop | null | typeof PROGRAM_UNAVAILABLE>>();
  const ready: Ready[] = [];
  for (const delivery of claimed) {
    const parsed = isShopWebhookTopic(delivery.topic)
      ? SHOP_WEBHOOK_TOPICS[delivery.topic].schema.safeParse(delivery.payload)
      : null;
    // Accepted by an earlier version of Tally and no longer understood: no retry can mend it.
    if (!parsed?.success) {
      const error = parsed ? `invalid payload: ${parsed.error.message}` : `no handler for ${delivery.topic}`;
      await recordFailure(db, delivery, error, { park: true });
      report.parked += 1;
      logFailure(delivery, error, "parked");
      continue;
    }
    if (!shops.has(delivery.shopDomain)) shops.set(delivery.shopDomain, loadShop(db, delivery.shopDomain));
    ready.push({
      delivery,
      handler: SHOP_WEBHOOK_TOPICS[delivery.topic as keyof typeof SHOP_WEBHOOK_TOPICS] as ShopWebhookTopic,
      payload: parsed.data,
      shop: null,
      prepared: undefined,
    });
  }
  const failed = new Set<Ready>();
  await Promise.all(
    ready.map(async (one) => {
      const shop = await shops.get(one.delivery.shopDomain)!;
      if (shop === PROGRAM_UNAVAILABLE) {
        failed.add(one);
        return;
      }
      one.shop = shop;
      if (!one.shop || !one.handler.prepare) return;
      try {
        one.prepared = await one.handler.prepare(db, one.shop, one.payload);
      } catch (error) {
        // A look-up that throws fails its delivery alone, never the batch.
        if (isDatabaseUnavailable(error)) throw error;
        failed.add(one);
        const outcome = await recordFailure(db, one.delivery, describe(error));
        report[outcome === "parked" ? "parked" : "retrying"] += 1;
        logFailure(one.delivery, error, outcome);
      }
    }),
  );
  // A shop with no valid program scores nothing under rules nobody chose: its deliveries wait.
  await deferDeliveries(
    db,
    ready.filter((one) => failed.has(one) && !one.shop).map((one) => one.delivery.id),
    PROGRAM_UNAVAILABLE_WAIT_MS,
  );
  return ready.filter((one) => !failed.has(one));
}

const PROGRAM_UNAVAILABLE = Symbol("program unavailable");

/** The installed shop with the program that runs; PROGRAM_UNAVAILABLE while no revision validates. */
async function loadShop(db: PrismaClient, shopDomain: string): Promise<LoadedShop | null | typeof PROGRAM_UNAVAILABLE> {
  try {
    return await findInstalledShop(db, shopDomain);
  } catch (error) {
    if (isProgramUnavailable(error)) return PROGRAM_UNAVAILABLE;
    throw error;
  }
}

/**
 * Marks the deliveries applied and runs their effects in one transaction, in arrival order. A
 * delivery another applier finished first is skipped; a shop without Tally installed records the
 * delivery and does nothing. Returns how many this call applied.
 */
async function applyTogether(db: PrismaClient, ready: Ready[]): Promise<number> {
  return inTransaction(db, async (tx) => {
    const owned = await markApplied(
      tx,
      ready.map((one) => one.delivery.id),
    );
    for (const one of ready) {
      if (!owned.has(one.delivery.id) || !one.shop) continue;
      await one.handler.effect(tx, { shop: one.shop, payload: one.payload, now: new Date(), prepared: one.prepared });
    }
    await stampApplied(tx, [...owned]);
    return owned.size;
  });
}

const describe = (error: unknown) =>
  error instanceof Error
    ? `${error.name}: ${error.message}`
    : error instanceof Response
      ? `HTTP ${error.status}`
      : String(error);

function logFailure(delivery: ClaimedDelivery, error: unknown, outcome: "retry" | "parked") {
  console.error(
    JSON.stringify({
      event: outcome === "parked" ? "inbox.parked" : "inbox.retry",
      shop: delivery.shopDomain,
      topic: delivery.topic,
      attempts: delivery.attempts,
      error: (typeof error === "string" ? error : describe(error)).slice(0, 500),
    }),
  );
}

/**
 * Runs appliers in this process: they drain the inbox whenever a delivery is accepted here, or
 * announced by another instance through `listen` (PostgreSQL's LISTEN/NOTIFY), and look every
 * second anyway. Several run side by side (`concurrency`), each its own transaction: a delivery's
 * statements wait on the database one after another, so throughput comes from appliers in
 * parallel as much as from batches. A failure (the database away) is logged and tried again on the
 * next look.
 */
export function startInboxApplier(
  db: PrismaClient,
  options: {
    listen?: (onNotification: () => void) => Promise<() => Promise<void>>;
    concurrency?: number;
    batchSize?: number;
  } = {},
): { stop(): Promise<void> } {
  let stopped = false;
  const appliers = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, () => ({
    woken: false,
    wake: () => {},
  }));
  const nudge = () => {
    for (const applier of appliers) {
      applier.woken = true;
      applier.wake();
    }
  };
  const unsubscribe = onDeliveryAccepted(nudge);
  const unlistening = options.listen?.(nudge).catch((error: unknown) => {
    console.error(JSON.stringify({ event: "inbox.listen_failed", error: String(error) }));
    return async () => {};
  });
  const loops = appliers.map(async (applier) => {
    while (!stopped) {
      applier.woken = false;
      try {
        // Each batch unblocks its customers' next deliveries: appliers that found nothing look again.
        const report = await applyInbox(db, { batchSize: options.batchSize, afterBatch: nudge });
        if (report.processed || report.parked) console.info(JSON.stringify({ event: "job.done", ...report }));
      } catch (error) {
        console.error(JSON.stringify({ event: "job.failed", job: "inbox", error: String(error).slice(0, 500) }));
      }
      if (stopped || applier.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, IDLE_POLL_MS);
        applier.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      applier.wake = () => {};
    }
  });
  return {
    async stop() {
      stopped = true;
      unsubscribe();
      appliers.forEach((applier) => applier.wake());
      await Promise.all(loops);
      await (
        await unlistening
      )?.();
    },
  };
}

/**
 * PostgreSQL: four appliers, under the pool's ten, with LISTEN. PGlite is one connection, so one
 * applier, in small batches: a webhook's insert waits for the batch being applied, and a batch of
 * 100 held it for over a second (`npm run bench`), against Shopify's 5 s for the whole answer.
 */
export function inboxApplierOptions(database: Database): NonNullable<Parameters<typeof startInboxApplier>[1]> {
  return {
    concurrency: database.kind === "postgresql" ? INBOX_APPLIERS_ON_POSTGRES : 1,
    batchSize: database.kind === "postgresql" ? INBOX_BATCH : PGLITE_INBOX_BATCH,
    listen: database.listen && ((onNotification) => database.listen!(INBOX_CHANNEL, onNotification)),
  };
}
