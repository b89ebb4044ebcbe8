import { NOW_UTC } from "~/db/clock.server";
import { chosenForHoldout, holdoutEverStarted } from "~/loyalty/program/holdout";
import type { LoadedShop } from "~/loyalty/program/program.server";
import type { Tx } from "./ledger.server";

/**
 * The holdout's holds (issue 25, docs/roi.md "Holdout and incrementality"): a customer held out
 * is no member, and what they do before their hold ends earns nothing, ever. The two choke points
 * that would enrol a customer — enrolment (customers/create, customers/update) and a paid order's
 * member — ask keptOutOfProgram; storefront reads ask isHeldOut.
 */

const DAY_MS = 86_400_000;

/** Whether the customer has a hold that ends after `at` (an order's placedAt, or now). */
export async function isHeldOut(db: Pick<Tx, "$queryRaw">, shopId: string, shopifyCustomerId: string, at: Date) {
  const held = await db.$queryRaw<unknown[]>`
    SELECT 1 FROM "HoldoutCustomer"
     WHERE "shopId" = ${shopId} AND "shopifyCustomerId" = ${shopifyCustomerId} AND "heldUntil" > ${at}`;
  return held.length > 0;
}

/**
 * Puts a customer Tally has never seen (no member, no hold) in the holdout when the running
 * holdout chooses them: held for the holdout's days from now. A redelivery finds the hold and
 * writes nothing.
 */
export async function assignHoldout(tx: Tx, shop: LoadedShop, shopifyCustomerId: string, firstSeenAt: Date, now: Date) {
  const { holdout } = shop.program;
  if (!chosenForHoldout(holdout, shop.id, shopifyCustomerId, firstSeenAt)) return;
  const heldUntil = new Date(now.getTime() + holdout.days * DAY_MS);
  await tx.$executeRaw`
    INSERT INTO "HoldoutCustomer" (id, "shopId", "shopifyCustomerId", "heldUntil", "createdAt")
    SELECT gen_random_uuid()::text, ${shop.id}, ${shopifyCustomerId}, ${heldUntil}, ${NOW_UTC}
     WHERE NOT EXISTS (SELECT 1 FROM "Member" WHERE "shopId" = ${shop.id} AND "shopifyCustomerId" = ${shopifyCustomerId})
    ON CONFLICT ("shopId", "shopifyCustomerId") DO NOTHING`;
}

/**
 * Whether Tally keeps this customer out of the program for an event at `at`, first assigning a
 * customer it has never seen. Free for a shop that never ran a holdout.
 */
export async function keptOutOfProgram(tx: Tx, shop: LoadedShop, shopifyCustomerId: string, at: Date, now: Date) {
  if (!holdoutEverStarted(shop.program.holdout)) return false;
  await assignHoldout(tx, shop, shopifyCustomerId, at, now);
  return isHeldOut(tx, shop.id, shopifyCustomerId, at);
}

/**
 * The merchant enrolled these customers by hand (an adjustment, an import): their holds end now.
 * They stay in the held-out group of the estimate (it compares groups as assigned).
 */
export async function endHolds(tx: Tx, shopId: string, shopifyCustomerIds: string[], now: Date) {
  await tx.$executeRaw`
    UPDATE "HoldoutCustomer" SET "heldUntil" = ${now}
     WHERE "shopId" = ${shopId} AND "shopifyCustomerId" = ANY(${shopifyCustomerIds}) AND "heldUntil" > ${now}`;
}
