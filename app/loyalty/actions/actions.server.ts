import { credit, entryExists, lockMemberForCustomer, type Tx } from "~/loyalty/points/ledger.server";
import { NOW_UTC } from "~/db/clock.server";
import type { CustomAction } from "~/loyalty/program/program";
import { expiresAtFor, type LoadedShop } from "~/loyalty/program/program.server";
import { evaluateMemberTier } from "~/loyalty/tiers/tiers.server";

/**
 * Whether the member has earned the action as often as its limits allow: in all, and in the last
 * 24 hours (by the database's clock, which stamps the entries).
 */
async function overLimit(tx: Tx, memberId: string, action: CustomAction): Promise<boolean> {
  const [counts] = await tx.$queryRaw<Array<{ total: bigint; today: bigint }>>`
    SELECT count(*) AS total, count(*) FILTER (WHERE "createdAt" > ${NOW_UTC} - interval '1 day') AS today
      FROM "LedgerEntry"
     WHERE "memberId" = ${memberId} AND kind = 'action' AND "sourceType" = 'action' AND "sourceId" = ${action.key}`;
  if (action.limitPerCustomer !== null && Number(counts!.total) >= action.limitPerCustomer) return true;
  return action.limitPerDay !== null && Number(counts!.today) >= action.limitPerDay;
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
  const key = `action:${action.key}:${member.id}:${input.eventId}`;
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
  return { status: "awarded", points: action.points, balance: member.balance };
}
