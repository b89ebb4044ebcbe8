import { createHmac, randomBytes } from "node:crypto";
import { Prisma, type PrismaClient } from "@prisma/client";

/** Crockford's base32 without I, L, O, U: codes read aloud or copied by hand survive. */
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_LENGTH = 8;

function newReferralCode(): string {
  return [...randomBytes(CODE_LENGTH)].map((byte) => CODE_ALPHABET[byte % 32]).join("");
}

/**
 * The member's referral code, made the first time it is asked for and stable after. Two requests
 * racing for a new member settle on one code: only a null code is ever written.
 */
export async function ensureReferralCode(db: PrismaClient, shopId: string, shopifyCustomerId: string): Promise<string> {
  await db.member.createMany({ data: [{ shopId, shopifyCustomerId }], skipDuplicates: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    const member = await db.member.findUniqueOrThrow({ where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId } }, select: { id: true, referralCode: true } });
    if (member.referralCode) return member.referralCode;
    try {
      await db.member.updateMany({ where: { id: member.id, referralCode: null }, data: { referralCode: newReferralCode() } });
    } catch (error) {
      // Another member drew the same code: draw again.
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    }
  }
  throw new Error("could not draw a unique referral code");
}

export const referralPath = (code: string) => `/apps/tally/r/${code}`;

/** A referral code as typed or linked: case and stray spaces do not matter. */
export const normalizeReferralCode = (code: string) => code.trim().toUpperCase();

/**
 * Records a visit through a referral link. Returns the code when it belongs to a member of a shop
 * whose referral program is on, else null (the visitor still lands on the store). The visitor's
 * address is kept only as a keyed hash, for the velocity check.
 */
export async function recordReferralVisit(
  db: PrismaClient,
  shop: { id: string; referralsEnabled: boolean },
  rawCode: string,
  visitorAddress: string | null,
  secret: string,
): Promise<string | null> {
  const code = normalizeReferralCode(rawCode);
  if (!shop.referralsEnabled || !/^[0-9A-Z]{4,16}$/.test(code)) return null;
  const referrer = await db.member.findUnique({ where: { shopId_referralCode: { shopId: shop.id, referralCode: code } }, select: { id: true, deletedAt: true } });
  if (!referrer || referrer.deletedAt) return null;
  const sourceHash = visitorAddress ? createHmac("sha256", secret).update(visitorAddress).digest("hex").slice(0, 32) : null;
  await db.referralVisit.create({ data: { shopId: shop.id, code, sourceHash } });
  return code;
}
