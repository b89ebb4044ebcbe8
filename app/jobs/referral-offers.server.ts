import type { PrismaClient } from "@prisma/client";
import { loadRunnableShop } from "~/loyalty/program/program.server";
import { refereeCode } from "~/loyalty/referrals/referee-code";
import { refereeOfferKey } from "~/loyalty/referrals/referrals.server";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { isRetryable } from "~/shopify/errors";
import { deleteDiscount } from "~/shopify/discounts.server";
import { createSegmentDiscount, ensureNewCustomerSegment } from "~/shopify/referral-discounts.server";

/** Members' codes brought in line per shop per pass (two mutations each at most). */
const MEMBERS_PER_PASS = 50;

/**
 * Keeps each referrer's code working as the friend's offer in Shopify: a code discount for
 * customers with no orders yet, made after the member's code is drawn, made again when the
 * merchant changes the offer, deleted when referrals are turned off or the member is gone.
 * Failures that can pass are retried on the next pass; a code Shopify refuses is marked failed
 * for this offer and not retried until the offer changes.
 */
export async function syncReferralOffers(db: PrismaClient, now: Date, gatewayOptions?: AdminGatewayOptions) {
  const report = { created: 0, deleted: 0, failed: 0 };
  const shops = await db.$queryRaw<{ shopId: string }[]>`
    SELECT DISTINCT "shopId" FROM "Member" WHERE "referralCode" IS NOT NULL OR "refereeDiscountId" IS NOT NULL`;
  for (const { shopId } of shops) {
    const shop = await loadRunnableShop(db, shopId);
    if (!shop) continue;
    const on = shop.program.enabled && shop.program.referrals.enabled;
    const wanted = refereeOfferKey(shop.program);
    // Off: every discount goes. On: the discounts of members who are gone go.
    const discountToDelete = on ? { OR: [{ deletedAt: { not: null } }, { referralCode: null }] } : {};
    const members = await db.member.findMany({
      where: {
        shopId,
        OR: [
          { refereeDiscountId: { not: null }, ...discountToDelete },
          ...(on
            ? [
                {
                  referralCode: { not: null },
                  deletedAt: null,
                  OR: [{ refereeOfferKey: null }, { refereeOfferKey: { notIn: [wanted, `failed:${wanted}`] } }],
                },
              ]
            : []),
        ],
      },
      select: { id: true, referralCode: true, refereeDiscountId: true, deletedAt: true },
      take: MEMBERS_PER_PASS,
    });
    if (!members.length) continue;
    const admin = await AdminGateway.forInstalledShop(db, shop.domain, gatewayOptions);
    if (!admin) continue;
    let { newCustomerSegmentId: segmentId } = await db.shop.findUniqueOrThrow({
      where: { id: shopId },
      select: { newCustomerSegmentId: true },
    });
    for (const member of members) {
      try {
        if (member.refereeDiscountId) {
          await deleteDiscount(admin, member.refereeDiscountId);
          await db.member.update({
            where: { id: member.id },
            data: { refereeDiscountId: null, refereeOfferKey: null },
          });
          report.deleted++;
        }
        if (!on || member.deletedAt || !member.referralCode) continue;
        if (!segmentId) {
          segmentId = await ensureNewCustomerSegment(admin);
          await db.shop.update({ where: { id: shopId }, data: { newCustomerSegmentId: segmentId } });
        }
        const discountId = await createSegmentDiscount(
          admin,
          refereeCode(shop.program.referrals.refereeReward, member.referralCode, segmentId, now),
        );
        await db.member.update({
          where: { id: member.id },
          data: { refereeDiscountId: discountId, refereeOfferKey: wanted },
        });
        report.created++;
      } catch (error) {
        if (isRetryable(error)) break;
        console.error(
          `[referrals] the friend's offer for code ${member.referralCode} on ${shop.domain} failed:`,
          (error as Error).message,
        );
        await db.member.update({ where: { id: member.id }, data: { refereeOfferKey: `failed:${wanted}` } });
        report.failed++;
      }
    }
  }
  return report;
}
