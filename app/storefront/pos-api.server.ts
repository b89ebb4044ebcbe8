import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { fromBigInt } from "~/db/bigint";
import type { ShopperLanguage } from "~/languages";
import { listMembers } from "~/loyalty/members/list.server";
import { nameIn } from "~/loyalty/program/program";
import type { LoadedShop } from "~/loyalty/program/program.server";
import { POS_REVERSAL_WINDOW_MS, type PosContext } from "~/loyalty/rewards/pos";
import { reverseAndDelete } from "~/loyalty/rewards/reversals.server";
import { invalidBody } from "~/http/invalid-body";
import { publicRedemption, redeemForCustomer } from "./api.server";

/**
 * Tally's API for its POS extension (`/api/pos/...`, docs/pos.md): staff act for the customer
 * the request names; the routes have checked the POS session token. Redeeming is the shopper's
 * redemption (api.server.ts) with the staff member and location recorded on it.
 */

/** A Shopify id as POS gives it (a number) or as a URL carries it (digits). */
const shopifyId = z
  .union([z.string().regex(/^[1-9][0-9]{0,19}$/), z.number().int().positive().max(Number.MAX_SAFE_INTEGER)])
  .transform(String);

export const isCustomerId = (value: string | undefined): value is string => shopifyId.safeParse(value).success;

const LOOKUP_LIMIT = 10;
const lookupQuery = z.string().trim().min(2).max(100);

/** GET /api/pos/members?query=: members whose email, name or phone contains the text (at most 10). */
export async function lookUpMembers(
  db: PrismaClient,
  shop: LoadedShop,
  query: string | null,
  language: ShopperLanguage,
) {
  const parsed = lookupQuery.safeParse(query);
  if (!parsed.success) return invalidBody("invalid_query", parsed.error.issues);
  const page = await listMembers(db, shop.id, { query: parsed.data, sort: "lastActivity", limit: LOOKUP_LIMIT });
  const tiers = new Map(shop.program.tiers.levels.map((level) => [level.id, nameIn(level, language)]));
  return Response.json({
    members: page.members
      .filter((member) => member.shopifyCustomerId !== null)
      .map((member) => ({
        customerId: member.shopifyCustomerId,
        name: [member.firstName, member.lastName].filter(Boolean).join(" "),
        email: member.email,
        balance: member.balance,
        tier: member.tierId ? (tiers.get(member.tierId) ?? null) : null,
      })),
  });
}

const posRedeemBody = z.looseObject({
  customerId: shopifyId,
  /** The staff member pinned in and the location, as the POS reports them (`shopify.session.currentSession`). */
  staffMemberId: shopifyId.nullish(),
  locationId: shopifyId.nullish(),
});

/** POST /api/pos/redemptions { customerId, rewardId, points?, staffMemberId?, locationId? } */
export async function redeemAtPos(
  db: PrismaClient,
  shop: LoadedShop,
  userId: string,
  body: unknown,
  idempotencyKey: string | null,
): Promise<Response> {
  const parsed = posRedeemBody.safeParse(body);
  if (!parsed.success) return invalidBody("invalid_request", parsed.error.issues);
  const { customerId, staffMemberId, locationId, ...reward } = parsed.data;
  const pos: PosContext = { staffMemberId: staffMemberId ?? null, locationId: locationId ?? null, userId };
  const response = await redeemForCustomer(db, shop, customerId, reward, idempotencyKey, pos);
  if (response.status >= 300) return response;
  // Staff see until when they can undo it.
  const answer = (await response.json()) as { redemption: { id: string } };
  const { createdAt } = await db.redemption.findUniqueOrThrow({
    where: { id: answer.redemption.id },
    select: { createdAt: true },
  });
  return Response.json({ ...answer, reversibleUntil: reversibleUntil(createdAt) }, { status: response.status });
}

/** When staff can no longer undo a redemption. */
const reversibleUntil = (createdAt: Date) => new Date(createdAt.getTime() + POS_REVERSAL_WINDOW_MS);

const REFUSALS = { not_pos: 409, used: 409, not_active: 409, store_credit: 409, window_passed: 409 } as const;

/** POST /api/pos/redemptions/:id/reverse: the same answer however often it is asked. */
export async function reverseAtPos(db: PrismaClient, shop: LoadedShop, redemptionId: string): Promise<Response> {
  // Staff wait at the counter: two tries at Shopify, then the answer (the outbox retries a deletion).
  const result = await reverseAndDelete(db, shop, redemptionId, new Date(), { maxAttempts: 2 });
  if (result.status === "not_found") return Response.json({ error: "not_found" }, { status: 404 });
  if (result.status === "shopify_unavailable")
    return Response.json({ error: "shopify_unavailable" }, { status: 503, headers: { "Retry-After": "10" } });
  if (result.status !== "reversed" && result.status !== "duplicate")
    return Response.json({ error: result.status }, { status: REFUSALS[result.status] });
  return Response.json({
    redemption: publicRedemption(result.redemption),
    pointsReturned: fromBigInt(result.redemption.pointsSpent),
  });
}
