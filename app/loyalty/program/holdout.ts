import { createHash } from "node:crypto";
import type { Holdout } from "./program";

/**
 * The holdout's rules (issue 25, docs/roi.md "Holdout and incrementality"), the pure part: which
 * customers it keeps out, and when it started.
 */

/**
 * The customer's bucket, 0–99: a stable hash of shop and customer, so the same customer lands in
 * the same group on every delivery and every instance, and shops do not share a split.
 */
export function holdoutBucket(shopId: string, shopifyCustomerId: string): number {
  const digest = createHash("sha256").update(`${shopId}:${shopifyCustomerId}`).digest();
  return digest.readUInt32BE(0) % 100;
}

/** Whether a customer first seen at `firstSeenAt` is one the running holdout keeps out. */
export function chosenForHoldout(holdout: Holdout, shopId: string, shopifyCustomerId: string, firstSeenAt: Date) {
  if (!holdout.enabled || !holdout.startedAt || firstSeenAt < new Date(holdout.startedAt)) return false;
  return holdoutBucket(shopId, shopifyCustomerId) < holdout.percent;
}

/**
 * The holdout as saved: `startedAt` is the server's, never the page's — set when the holdout is
 * turned on, kept while it runs and after it is turned off (the estimate reads the period from it).
 */
export function holdoutAsSaved(previous: Holdout | null, next: Holdout, now: Date): Holdout {
  const startedAt = next.enabled && !previous?.enabled ? now.toISOString() : (previous?.startedAt ?? null);
  return { ...next, startedAt };
}

/** Whether holds may exist: a holdout runs, or ran once (its holds run out). */
export const holdoutEverStarted = (holdout: Holdout) => holdout.enabled || holdout.startedAt !== null;
