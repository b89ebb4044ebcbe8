import type { PrismaClient } from "@prisma/client";
import type { OutboxTopic } from "~/db/outbox-topics";
import { credit, entryExists, lockMemberForCustomer, type Tx } from "~/loyalty/points/ledger.server";
import { NOW_UTC } from "~/db/clock.server";
import type { CustomAction } from "~/loyalty/program/program";
import { expiresAtFor, type LoadedShop } from "~/loyalty/program/program.server";
import { evaluateMemberTier } from "~/loyalty/tiers/tiers.server";
import { advanceChallenges } from "~/loyalty/engagement/engagement.server";
import {
  CLAIM_EVENT,
  NEWSLETTER_EVENT,
  NO_COUNTS,
  actionEntryKey,
  claimableActions,
  newsletterActions,
  reachedLimit,
  type ActionCounts,
} from "./actions";

/**
 * What the member has earned of each action, by action key: in all, in the last 24 hours (by the
 * database's clock, which stamps the entries), and whether their own claim was awarded.
 */
export async function actionCounts(
  db: PrismaClient | Tx,
  memberId: string,
  actionKeys: string[],
): Promise<Map<string, ActionCounts>> {
  if (!actionKeys.length) return new Map();
  const rows = await db.$queryRaw<Array<{ key: string; total: bigint; today: bigint; claimed: boolean }>>`
    SELECT "sourceId" AS key, count(*) AS total,
           count(*) FILTER (WHERE "createdAt" > ${NOW_UTC} - interval '1 day') AS today,
           bool_or("idempotencyKey" = 'action:' || "sourceId" || ':' || ${memberId} || ':' || ${CLAIM_EVENT}) AS claimed
      FROM "LedgerEntry"
     WHERE "memberId" = ${memberId} AND kind = 'action' AND "sourceType" = 'action' AND "sourceId" = ANY(${actionKeys})
     GROUP BY "sourceId"`;
  return new Map(
    rows.map((row) => [row.key, { total: Number(row.total), today: Number(row.today), claimed: row.claimed }]),
  );
}

async function overLimit(tx: Tx, memberId: string, action: CustomAction): Promise<boolean> {
  const counts = (await actionCounts(tx, memberId, [action.key])).get(action.key) ?? NO_COUNTS;
  return reachedLimit(action, counts);
}

export type ActionResult =
  | { status: "awarded" | "duplicate"; points: number; balance: number }
  | { status: "unknown_action" | "limit_reached" | "program_disabled" };

/** A custom action (a review, a follow, a claimed visit) worth fixed points, per its limits. */
export async function awardAction(
  tx: Tx,
  shop: LoadedShop,
  input: { customerId: string; actionKey: string; eventId: string; now: Date },
): Promise<ActionResult> {
  if (!shop.program.enabled) return { status: "program_disabled" };
  const action = shop.program.earning.customActions.find((a) => a.key === input.actionKey);
  if (!action) return { status: "unknown_action" };
  const member = await lockMemberForCustomer(tx, shop.id, input.customerId);
  const key = actionEntryKey(action.key, member.id, input.eventId);
  if (await entryExists(tx, shop.id, key))
    return { status: "duplicate", points: action.points, balance: member.balance };
  if (await overLimit(tx, member.id, action)) return { status: "limit_reached" };
  await credit(tx, member, {
    key,
    kind: "action",
    points: action.points,
    now: input.now,
    availableAt: input.now,
    expiresAt: expiresAtFor(shop.program, input.now),
    activityAt: input.now,
    source: `action:${action.key}`,
    sourceType: "action",
    sourceId: action.key,
  });
  await evaluateMemberTier(tx, shop, member, input.now, "earn");
  await advanceChallenges(tx, shop, member, input.now, "action");
  return { status: "awarded", points: action.points, balance: member.balance };
}

/**
 * The shopper says they did a claimable action (followed, visited): its points once per shopper
 * (`action:<key>:<member>:claim`), a second claim answers the first's result without a second
 * award. An action that is not claimable is unknown to a shopper.
 */
export async function claimAction(
  tx: Tx,
  shop: LoadedShop,
  input: { customerId: string; actionKey: string; now: Date },
): Promise<ActionResult> {
  if (!claimableActions(shop.program).some((action) => action.key === input.actionKey))
    return { status: "unknown_action" };
  return awardAction(tx, shop, { ...input, eventId: CLAIM_EVENT });
}

/**
 * Shopify says the customer subscribed to email marketing: every newsletter action's points, once
 * per customer (`action:<key>:<member>:newsletter`), however often or in whatever order Shopify
 * says so. Unsubscribing later takes nothing back.
 */
export async function awardNewsletterSignup(
  tx: Tx,
  shop: LoadedShop,
  input: { customerId: string; now: Date },
): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const action of newsletterActions(shop.program)) {
    results.push(await awardAction(tx, shop, { ...input, actionKey: action.key, eventId: NEWSLETTER_EVENT }));
  }
  return results;
}

/** The outbox task that reads a new customer's email marketing state (app/jobs/newsletter-consent.server.ts). */
export const newsletterConsentTaskKey = (memberId: string) => `newsletter-consent:${memberId}`;

/**
 * A customer joined: customers/create carries no email marketing consent (since Admin API
 * 2025-01), and Shopify may send no consent webhook for a customer created already subscribed, so
 * a task asks Shopify once. Only when the program has a newsletter action; queued once per member
 * (the payload names the member, not the customer: an erased member's task finds no customer).
 */
export async function queueNewsletterConsentCheck(tx: Tx, shop: LoadedShop, memberId: string, now: Date) {
  if (!shop.program.enabled || !newsletterActions(shop.program).length) return;
  await tx.outboxTask.createMany({
    data: [
      {
        shopId: shop.id,
        topic: "check_newsletter_consent" satisfies OutboxTopic,
        key: newsletterConsentTaskKey(memberId),
        payload: { memberId },
        runAt: now,
      },
    ],
    skipDuplicates: true,
  });
}
