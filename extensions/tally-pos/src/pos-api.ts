import { call, newIdempotencyKey, sleep, TallyError, type Member, type Redemption } from "../../shared/tally-api";

/**
 * Tally's POS API (/api/pos/..., docs/pos.md) as the POS extension calls it. Every call carries
 * the POS session token; staff act for the customer each call names. Without a token (the Shopify
 * user logged into POS may not use the app) nothing is called: TallyError 403.
 */

export interface PosSession {
  getSessionToken(): Promise<string | undefined>;
  currentSession: { locationId: number; staffMemberId?: number; userId: number };
}

/** The member view (api.server.ts memberView); tier perks when the program has them. */
export type PosMember = Member & { customerId: string };

/** A redemption as Tally answers it at the counter: a code, or points turned into store credit. */
export type PosRedemption = Redemption & { storeCredit?: { amount: string | number; currencyCode: string } };

export interface FoundMember {
  customerId: string;
  name: string;
  email: string | null;
  balance: number;
  tier: string | null;
}

async function tokenOf(session: PosSession) {
  const token = await session.getSessionToken();
  if (!token) throw new TallyError(403);
  return { get: async () => token };
}

async function read<T>(session: PosSession, path: string): Promise<T> {
  const { status, body } = await call(await tokenOf(session), path);
  if (status >= 300 || !body) throw new TallyError(status);
  return body as T;
}

/** The member view; reward and tier names in the POS's language (`shopify.locale`) when the merchant translated them. */
export const fetchPosMember = (session: PosSession, customerId: number | string, locale = "en") =>
  read<PosMember>(
    session,
    `/api/pos/members/${encodeURIComponent(String(customerId))}?locale=${encodeURIComponent(locale)}`,
  );

export const lookUpMembers = async (session: PosSession, query: string, locale = "en") =>
  (
    await read<{ members: FoundMember[] }>(
      session,
      `/api/pos/members?query=${encodeURIComponent(query)}&locale=${encodeURIComponent(locale)}`,
    )
  ).members;

export type PosRedeemOutcome =
  | { kind: "redeemed"; redemption: PosRedemption; reversibleUntil: string }
  | { kind: "insufficient_points"; balance: number; pointsNeeded: number }
  | { kind: "refused"; error: string }
  /** No answer: unknown whether points were spent; a retry reuses the key. */
  | { kind: "unknown" };

/** Keys kept per customer and reward until Tally answers for sure, so a retry never spends twice. */
const retryKeys = new Map<string, string>();

/** Staff redeem `rewardId` for the customer; the staff member and location are recorded on it. */
export async function redeemAtPos(
  session: PosSession,
  customerId: number | string,
  rewardId: string,
  points?: number,
): Promise<PosRedeemOutcome> {
  const slot = `${customerId}:${rewardId}:${points ?? ""}`;
  const key = retryKeys.get(slot) ?? newIdempotencyKey();
  retryKeys.set(slot, key);
  const { locationId, staffMemberId } = session.currentSession;
  const token = await tokenOf(session);
  let answer;
  try {
    answer = await call(token, "/api/pos/redemptions", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify({ customerId, rewardId, points, staffMemberId: staffMemberId ?? null, locationId }),
    });
  } catch {
    return { kind: "unknown" };
  }
  const { status, body } = answer;
  if (status >= 500 || status === 0 || !body) return { kind: "unknown" };
  retryKeys.delete(slot);
  if (status < 300 && body.redemption)
    return { kind: "redeemed", redemption: body.redemption, reversibleUntil: body.reversibleUntil };
  if (body.error === "insufficient_points")
    return { kind: "insufficient_points", balance: body.balance, pointsNeeded: body.pointsNeeded };
  return { kind: "refused", error: String(body.error ?? status) };
}

/** A code Shopify is slow to make (`pending`) becomes `active` shortly, or `failed` with the points back. */
export async function settlePosRedemption(
  session: PosSession,
  customerId: number | string,
  redemption: PosRedemption,
  locale: string,
  delays = [1500, 3000, 6000],
): Promise<PosRedemption> {
  let current = redemption;
  for (const delay of delays) {
    if (current.status !== "pending") break;
    await sleep(delay);
    const member = await fetchPosMember(session, customerId, locale).catch(() => null);
    if (member) current = member.redemptions.find((r) => r.id === redemption.id) ?? { ...current, status: "failed" };
  }
  return current;
}

export type ReverseOutcome = { kind: "reversed"; pointsReturned: number } | { kind: "refused"; error: string };

/** Undo a POS redemption (the sale was abandoned): the code is deleted, the points come back. */
export async function reverseAtPos(session: PosSession, redemptionId: string): Promise<ReverseOutcome> {
  const { status, body } = await call(
    await tokenOf(session),
    `/api/pos/redemptions/${encodeURIComponent(redemptionId)}/reverse`,
    { method: "POST" },
  );
  if (status === 200 && body) return { kind: "reversed", pointsReturned: body.pointsReturned };
  return { kind: "refused", error: String(body?.error ?? status) };
}
