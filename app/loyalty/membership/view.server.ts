import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { rows } from "~/db/rows";
import type { ShopperLanguage } from "~/languages";
import type { LoadedShop } from "~/loyalty/program/program.server";
import { membershipOffer, publicMembership, type PublicMembership, type PublicMembershipOffer } from "./offer";

/** What a shopper sees of the paid membership (the member API's part; docs/membership.md). */

const membershipRow = z.object({
  currencyCode: z.string().nullable(),
  planId: z.string().nullable(),
  paidThrough: z.date().nullable(),
  status: z.string().nullable(),
  autoRenews: z.boolean().nullable(),
  extraPoints: z.bigint().nullable(),
  discountCents: z.bigint().nullable(),
});

export interface MembershipView {
  /** The offer to join (null when there is none to buy); the same for everyone. */
  offer: PublicMembershipOffer | null;
  /** The member's own membership; null when they never paid (and for guests). */
  membership: PublicMembership | null;
}

const NOTHING: MembershipView = { offer: null, membership: null };

/**
 * One statement: the shop's currency (the offer's prices and the savings are in it) with the
 * member's paid membership row, if any. Nothing is read for a guest while there is no offer.
 */
export async function membershipView(
  db: PrismaClient,
  shop: LoadedShop,
  memberId: string | null,
  language: ShopperLanguage,
  now = new Date(),
): Promise<MembershipView> {
  const offered = membershipOffer(shop.program, language, { domain: shop.domain, currencyCode: null }) !== null;
  if (!memberId && !offered) return NOTHING;
  const [row] = rows(
    membershipRow,
    await db.$queryRaw`
      SELECT s."currencyCode", p."planId", p."paidThrough", p.status, p."autoRenews", p."extraPoints", p."discountCents"
        FROM "Shop" s
        LEFT JOIN "PaidMembership" p ON p."memberId" = ${memberId} AND p."shopId" = s.id
       WHERE s.id = ${shop.id}`,
  );
  if (!row) return NOTHING;
  const currencyCode = row.currencyCode;
  const paid =
    row.planId !== null && row.paidThrough && row.status
      ? {
          planId: row.planId,
          paidThrough: row.paidThrough,
          status: row.status,
          autoRenews: row.autoRenews ?? false,
          extraPoints: row.extraPoints ?? 0n,
          discountCents: row.discountCents ?? 0n,
        }
      : null;
  return {
    offer: offered ? membershipOffer(shop.program, language, { domain: shop.domain, currencyCode }) : null,
    membership: publicMembership(shop.program, paid, language, currencyCode, now),
  };
}
