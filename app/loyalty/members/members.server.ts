import type { CustomerProfile } from "~/shopify/order-payloads";
import { fromBigInt } from "~/db/bigint";
import {
  credit,
  debit,
  lockMember,
  lockMemberForCustomer,
  type LockedMember,
  type Tx,
} from "~/loyalty/points/ledger.server";
import { keptOutOfProgram } from "~/loyalty/points/holdout.server";
import { queueNewsletterConsentCheck } from "~/loyalty/actions/actions.server";
import { claimGuestOrders } from "~/loyalty/orders/orders.server";
import { erasePersonalData } from "./privacy.server";
import { advanceChallenges, moveEngagement } from "~/loyalty/engagement/engagement.server";
import { moveMembership } from "~/loyalty/membership/membership.server";
import { moveDonations } from "~/loyalty/giving/giving.server";
import { expiresAtFor, type LoadedShop } from "~/loyalty/program/program.server";
import { evaluateMemberTier } from "~/loyalty/tiers/tiers.server";

/**
 * A customer joins the program — unless the holdout keeps them out: their member record, the signup bonus (once per customer, on
 * customers/create only), a look at their email marketing consent for the newsletter actions
 * (customers/create only), and the paid guest orders placed with their email before they had
 * an account.
 */
export async function enrolCustomer(
  tx: Tx,
  shop: LoadedShop,
  profile: CustomerProfile,
  now: Date,
  options: { signupBonus: boolean; checkNewsletter?: boolean },
) {
  // A held-out customer joins on their first event after the hold (docs/roi.md).
  if (await keptOutOfProgram(tx, shop, profile.customerId, now, now)) return [];
  const member = await lockMemberForCustomer(tx, shop.id, profile.customerId, { email: profile.email });
  await tx.member.update({
    where: { id: member.id },
    data: { email: profile.email, firstName: profile.firstName, lastName: profile.lastName, phone: profile.phone },
  });
  if (options.signupBonus && shop.program.enabled) {
    await credit(tx, member, {
      // Keys derived from a person use the member's id, never the customer's: after erasure the
      // ledger cannot be linked back to them.
      key: `member:${member.id}:signup`,
      kind: "bonus",
      points: shop.program.earning.signup.points,
      now,
      availableAt: now,
      expiresAt: expiresAtFor(shop.program, now),
      activityAt: now,
      source: "signup",
      sourceType: "signup",
      sourceId: member.id,
    });
    await evaluateMemberTier(tx, shop, member, now, "earn");
  }
  if (options.checkNewsletter) await queueNewsletterConsentCheck(tx, shop, member.id, now);
  return claimGuestOrders(tx, shop, profile.customerId, profile.email, now);
}

/** Shopify deleted the customer: their member record loses what identifies them; the ledger stays. */
export async function forgetCustomer(tx: Tx, shop: LoadedShop, customerId: string, now: Date) {
  await erasePersonalData(tx, shop.id, customerId, { mark: { deletedAt: now } });
}

/**
 * Shopify merged two customers: the deleted customer's points move to the kept one, lot by lot
 * (same hold and expiry), with an entry on each side; their orders follow, and with them the
 * challenges they completed and the badges earned.
 */
export async function mergeCustomers(
  tx: Tx,
  shop: LoadedShop,
  keptCustomerId: string,
  deletedCustomerId: string,
  now: Date,
) {
  const from = await tx.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId: shop.id, shopifyCustomerId: deletedCustomerId } },
    select: { id: true },
  });
  if (!from) return;
  const kept = await lockMemberForCustomer(tx, shop.id, keptCustomerId);
  const merged: LockedMember = await lockMember(tx, from.id);
  const lots = await tx.pointLot.findMany({
    where: { memberId: merged.id, remaining: { gt: 0 } },
    orderBy: { createdAt: "asc" },
  });
  const total = lots.reduce((sum, lot) => sum + fromBigInt(lot.remaining), 0);
  // The merged member merges once (it loses its customer id), so its id alone makes the key.
  const cause = `merge:${merged.id}`;
  const moved = await debit(tx, merged, {
    key: `${cause}:out`,
    kind: "merge_out",
    points: total,
    now,
    includePending: true,
    sourceType: "merge",
    sourceId: kept.id,
  });
  if (moved && moved.debited > 0) {
    for (const lot of lots) {
      await credit(tx, kept, {
        key: `${cause}:in:${lot.id}`,
        kind: "merge_in",
        points: fromBigInt(lot.remaining),
        now,
        availableAt: lot.held ? lot.availableAt : new Date(Math.min(lot.availableAt.getTime(), now.getTime())),
        expiresAt: lot.expiresAt,
        orderId: lot.orderId,
        source: lot.source,
        sourceType: "merge",
        sourceId: merged.id,
      });
    }
  }
  await tx.order.updateMany({
    where: { memberId: merged.id },
    data: { memberId: kept.id, shopifyCustomerId: keptCustomerId },
  });
  await tx.member.update({ where: { id: merged.id }, data: { shopifyCustomerId: null, deletedAt: now } });
  // The orders' challenges and badges follow them; what the two together reach is the kept member's.
  await moveEngagement(tx, merged.id, kept.id);
  await advanceChallenges(tx, shop, kept, now, "merge");
  await moveMembership(tx, shop, merged.id, kept, now);
  await moveDonations(tx, merged.id, { memberId: kept.id, shopifyCustomerId: keptCustomerId });
}
