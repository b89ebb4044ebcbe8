import { appUrl } from "./app-url";

/**
 * Tally's extension API as the checkout, thank-you and customer-account extensions see it
 * (docs/storefront-api.md). Every call carries the extension's session token; the app takes the
 * shopper from the token's `sub`, so nothing here ever names a customer.
 */

/** An amount of Shopify store credit: decimal text in the shop's currency ("12.00", "1200" in JPY). */
export interface StoreCreditAmount {
  amount: string;
  currencyCode: string;
}

export interface Reward {
  id: string;
  name: string;
  type: string;
  /** For a variable reward, its minimum; for store credit, what converting now spends. */
  pointsCost: number;
  available: boolean;
  /** Only paying members of the paid membership may redeem it. */
  membersOnly?: boolean;
  /** Why it is not available when Tally knows (`store_credit_disabled`). */
  reason?: string;
  /** A store credit reward: what `pointsCost` points become, and the steps a shopper may choose. */
  storeCredit?: (StoreCreditAmount & { pointsPerStep: number; minPoints: number; maxPoints: number }) | null;
}

/**
 * The points a shopper may convert into a store credit reward now: whole steps from its minimum
 * to the smaller of its maximum and the balance; null when the balance does not reach the minimum.
 */
export function storeCreditChoice(reward: Reward, balance: number) {
  const offer = reward.storeCredit;
  if (!offer) return null;
  const max = Math.min(offer.maxPoints, balance - (balance % offer.pointsPerStep));
  return max < offer.minPoints ? null : { min: offer.minPoints, max, step: offer.pointsPerStep };
}

/** The chosen points as a whole number of steps within the choice (typed text may be anything). */
export function choosePoints(choice: { min: number; max: number; step: number }, typed: number) {
  const steps = Number.isFinite(typed) ? Math.floor(typed / choice.step) * choice.step : choice.max;
  return Math.min(choice.max, Math.max(choice.min, steps));
}

/** What `points` become in store credit, from the offer's amount for its own points (display only: Tally says the exact amount). */
export function storeCreditFor(reward: Reward, points: number): StoreCreditAmount | null {
  const offer = reward.storeCredit;
  if (!offer || reward.pointsCost <= 0) return null;
  return { amount: String((Number(offer.amount) * points) / reward.pointsCost), currencyCode: offer.currencyCode };
}

export interface Redemption {
  id: string;
  /** Null for store credit (no code: Shopify applies the credit at checkout). */
  code: string | null;
  pointsSpent: number;
  status: "pending" | "active" | "used" | "expired" | "failed";
  /** Null for store credit that never expires. */
  expiresAt: string | null;
  /** Points converted to store credit: the amount credited. */
  storeCredit?: StoreCreditAmount;
}

export interface TierProgress {
  metric: "points_earned" | "amount_spent" | "orders_placed";
  period: string;
  value: number;
  next: { id: string; name: string; threshold: number; remaining: number } | null;
  /** For `amount_spent`: the shop's currency, which `value` and `remaining` are in. */
  currency?: string | null;
}

/** Whether shoppers see the program: off when the merchant turned it off or the app's plan is not approved yet. */
export interface ShopperProgram {
  enabled: boolean;
  /** The offer to join the paid membership; null when there is none to buy (absent from an older Tally). */
  membership?: MembershipOffer | null;
  /** Giving back: the running causes (in the shopper's language) and points giving; null while off (absent from an older Tally). */
  giving?: ProgramGiving | null;
}

/** A cause shoppers give to (docs/giving.md). */
export interface Cause {
  id: string;
  name: string;
  description: string;
  url: string | null;
}

export interface ProgramGiving {
  causes: Cause[];
  defaultCauseId: string | null;
  /** Members give points in whole `step`s; `pointsPerUnit` points are worth one unit of the shop's currency. */
  points: { enabled: boolean; pointsPerUnit: number; step: number };
}

/** What the member gave this calendar year: money (round-ups, minor units of `currencyCode`) and points. */
export interface MemberGiving {
  year: number;
  givenCents: number;
  currencyCode: string;
  pointsGiven: number;
}

/** A plan of the paid membership: its variant goes in the cart, its product page is `productUrl`. */
export interface MembershipPlan {
  id: string;
  name: string;
  interval: "month" | "year";
  intervalCount: number;
  /** Decimal text in the shop's currency ("79.00"). */
  price: string;
  currencyCode: string | null;
  variantId: string;
  productHandle: string | null;
  /** The plan's product page on the shop's storefront; null when the plan has no product handle. */
  productUrl: string | null;
}

/** The offer to join the paid membership ("Join Club for 79.00/year: 2× points, free shipping"). */
export interface MembershipOffer {
  name: string;
  plans: MembershipPlan[];
  perks: { earnMultiplier: number; joinBonusPoints: number; renewalBonusPoints: number; discounts: Perk[] };
}

/** The shopper's paid membership: `active` while paying (status active, or grace after `paidThrough`). */
export interface Membership {
  active: boolean;
  status: "active" | "grace" | "ended";
  planId: string;
  planName: string;
  paidThrough: string;
  autoRenews: boolean;
  savings: { points: number; discount: { amount: string; currencyCode: string | null } };
}

/** What the member's tier gets at checkout with no code (Shopify applies it for the tier's segment). */
export type Perk =
  | { type: "percentage_off"; percentage: number; collectionIds: string[] }
  | { type: "free_shipping"; minimumSubtotal: number | null; currencyCode: string | null };

/**
 * An action the shopper claims themselves (follow us, visit a page): its link opens in a new tab
 * and the claim is sent. `claimed` once their claim was awarded; `limit_reached` when they earned
 * it as often as allowed some other way.
 */
export interface ClaimableAction {
  key: string;
  name: string;
  points: number;
  url: string;
  status: "open" | "claimed" | "limit_reached";
}

export interface Member {
  loggedIn: true;
  /** processing: an order or refund of this customer is accepted and its points are on the way. */
  points: {
    balance: number;
    pending: number;
    expiringNext: { points: number; at: string } | null;
    processing?: boolean;
  };
  tier: { id: string; name: string; perks?: Perk[] } | null;
  tierProgress?: TierProgress | null;
  rewards: Reward[];
  redemptions: Redemption[];
  /** Claimable actions (absent from an older Tally). */
  actions?: ClaimableAction[];
  /** The store credit the member's points became through Tally (null when the program offers none). */
  storeCredit?: (StoreCreditAmount & { fromPoints: number }) | null;
  /** Challenges with their progress, badges and the month's leaderboard (absent from an older Tally). */
  challenges?: Challenge[];
  badges?: Badges;
  leaderboard?: Leaderboard | null;
  /** Personal offers (absent from an older Tally). */
  offers?: MemberOffers;
  /** A campaign's award not seen yet (absent from a Tally without campaigns). */
  surprise?: Surprise | null;
  /** The paid membership; null when the shopper never paid (absent from an older Tally). */
  membership?: Membership | null;
  /** What the member gave this year; null while giving is off (absent from an older Tally). */
  giving?: MemberGiving | null;
  program: ShopperProgram;
}

/** A challenge as the shopper sees it: "1 of 2 orders — 12 days left" (docs/engagement.md). */
export interface Challenge {
  id: string;
  name: string;
  description: string;
  /** One of the built-in badge icons (star, trophy, crown, …), or null. */
  badge: string | null;
  progress: { current: number; target: number; unit: string };
  endsAt: string | null;
  daysLeft: number | null;
  completed: boolean;
  reward: { type: "points"; points: number } | { type: "reward"; name: string } | null;
}

export interface Badges {
  earned: { id: string; name: string; icon: string; earnedAt: string }[];
  next: { id: string; name: string; icon: string; current: number; target: number }[];
}

/** The month's leaderboard: only shoppers who opted in; `name` null is "a shopper". */
export interface Leaderboard {
  optedIn: boolean;
  nickname: string | null;
  month: string;
  top: { rank: number; name: string | null; points: number; you: boolean }[];
  you: { rank: number; points: number } | null;
}

/** A running win-back multiplier, and the next best reward ("120 points to 10 off"). */
export interface MemberOffers {
  winBack: { multiplier: number; endsAt: string } | null;
  nextReward: { rewardId: string; name: string; pointsCost: number; remaining: number } | null;
}

/** A campaign's award the shopper has not seen yet: shown once, then marked seen. */
export interface Surprise {
  id: string;
  campaignName: string;
  message: string;
  points: number;
  rewardName: string | null;
}

/** Marks a surprise seen (it is not shown again); a failure only means it shows once more. */
export async function markSurpriseSeen(sessionToken: TokenSource, surpriseId: string): Promise<boolean> {
  try {
    const { status } = await call(sessionToken, `/api/extension/surprises/${encodeURIComponent(surpriseId)}/seen`, {
      method: "POST",
    });
    return status >= 200 && status < 300;
  } catch {
    return false;
  }
}

export interface ActivityEntry {
  id: string;
  at: string;
  kind: string;
  points: number;
  pending: boolean;
  description: string;
}

export type OrderPoints =
  | { status: "processing" }
  | { status: "earned" | "pending" | "none"; points: number; pendingPoints: number; availableAt: string | null };

export type RedeemOutcome =
  | { kind: "redeemed"; redemption: Redemption }
  | { kind: "insufficient_points"; balance: number; pointsNeeded: number }
  /** Unknown reward, not a whole step, or restricted to a tier / program off: nothing spent. */
  | { kind: "unavailable" }
  /** Shopify refused the code or the store credit: Tally already gave the points back. */
  | { kind: "refunded" }
  | { kind: "signed_out" }
  /** No answer (network, 5xx): unknown whether points were spent. Retry with the same key. */
  | { kind: "unknown" };

export interface TokenSource {
  get(): Promise<string>;
}

/** Thrown when the extension cannot reach Tally or Tally says no; `status` 0 is the network. */
export class TallyError extends Error {
  constructor(readonly status: number) {
    super(`tally ${status}`);
  }
}

export async function call(
  sessionToken: TokenSource,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const base = appUrl();
  if (!base) throw new TallyError(0);
  let response: Response;
  try {
    response = await fetch(base + path, {
      ...init,
      headers: { ...init.headers, Authorization: `Bearer ${await sessionToken.get()}` },
    });
  } catch {
    throw new TallyError(0);
  }
  const body = await response.json().catch(() => null);
  return { status: response.status, body };
}

async function read<T>(sessionToken: TokenSource, path: string): Promise<T> {
  const { status, body } = await call(sessionToken, path);
  if (status >= 300 || !body) throw new TallyError(status);
  return body as T;
}

/**
 * The shopper's points, rewards and codes; `null` when Shopify says no one is signed in; "off" while
 * the program is off for shoppers, when the extensions show nothing at all.
 */
export async function fetchMember(sessionToken: TokenSource): Promise<Member | null | "off"> {
  const body = await read<Member | { loggedIn: false; program: ShopperProgram }>(sessionToken, "/api/extension/member");
  if (body.program.enabled === false) return "off";
  return body.loggedIn ? body : null;
}

export const fetchActivity = (sessionToken: TokenSource, cursor?: string | null) =>
  read<{ entries: ActivityEntry[]; nextCursor: string | null }>(
    sessionToken,
    `/api/extension/member/activity${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`,
  );

/** What the order just placed earned (thank-you page); `processing` until Tally has it. */
export const fetchOrderPoints = (sessionToken: TokenSource, orderId: string) =>
  read<OrderPoints>(sessionToken, `/api/extension/order-points?orderId=${encodeURIComponent(orderId)}`);

/**
 * Spends the points on a reward (a variable reward at its minimum, store credit as the offer says
 * unless the shopper chose `points`). The same `idempotencyKey` on a retry returns the same
 * redemption instead of spending again.
 */
export async function redeem(
  sessionToken: TokenSource,
  reward: Reward,
  idempotencyKey: string,
  points = reward.pointsCost,
): Promise<RedeemOutcome> {
  let answer;
  try {
    answer = await call(sessionToken, "/api/extension/redemptions", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": idempotencyKey },
      body: JSON.stringify(
        reward.type === "variable" || reward.type === "store_credit"
          ? { rewardId: reward.id, points }
          : { rewardId: reward.id },
      ),
    });
  } catch {
    return { kind: "unknown" };
  }
  const { status, body } = answer;
  if ((status === 200 || status === 201) && body?.redemption) return { kind: "redeemed", redemption: body.redemption };
  if (status === 401) return { kind: "signed_out" };
  if (body?.error === "insufficient_points")
    return { kind: "insufficient_points", balance: body.balance, pointsNeeded: body.pointsNeeded };
  if (body?.error === "code_not_created" || body?.error === "store_credit_not_credited") return { kind: "refunded" };
  if (status === 409 || status === 422) return { kind: "unavailable" };
  return { kind: "unknown" };
}

export type ClaimOutcome =
  /** Awarded now, or already (a second claim awards nothing more): the points and the balance after. */
  | { kind: "claimed"; points: number; balance: number }
  /** The shopper earned it as often as allowed, or the program is off: nothing awarded. */
  | { kind: "limit_reached" }
  /** Not an action shoppers can claim (any more). */
  | { kind: "unavailable" }
  | { kind: "signed_out" }
  /** No answer (network, 5xx, too many claims): safe to claim again, it awards once. */
  | { kind: "unknown" };

/** Claims an action for the signed-in shopper (`POST /api/extension/actions/claim`); once per shopper, so retrying is safe. */
export async function claimAction(sessionToken: TokenSource, actionKey: string): Promise<ClaimOutcome> {
  let answer;
  try {
    answer = await call(sessionToken, "/api/extension/actions/claim", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ action: actionKey }),
    });
  } catch {
    return { kind: "unknown" };
  }
  const { status, body } = answer;
  if ((status === 200 || status === 201) && body?.status === "claimed")
    return { kind: "claimed", points: body.points, balance: body.balance };
  if (status === 401) return { kind: "signed_out" };
  if (status === 404) return { kind: "unavailable" };
  if (status === 409) return { kind: "limit_reached" };
  return { kind: "unknown" };
}

export type LeaderboardOutcome =
  | { kind: "saved"; optedIn: boolean; nickname: string | null }
  | { kind: "invalid_nickname"; message: string }
  | { kind: "signed_out" | "unavailable" | "unknown" };

/** The shopper joins (with a nickname, or none) or leaves the month's leaderboard. */
export async function chooseLeaderboard(
  sessionToken: TokenSource,
  choice: { optIn: boolean; nickname?: string },
): Promise<LeaderboardOutcome> {
  let answer;
  try {
    answer = await call(sessionToken, "/api/extension/leaderboard", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(choice),
    });
  } catch {
    return { kind: "unknown" };
  }
  const { status, body } = answer;
  if (status === 200 && typeof body?.optedIn === "boolean")
    return { kind: "saved", optedIn: body.optedIn, nickname: body.nickname ?? null };
  if (status === 422 && body?.error === "invalid_nickname")
    return { kind: "invalid_nickname", message: body.message ?? "" };
  if (status === 401) return { kind: "signed_out" };
  if (status === 409) return { kind: "unavailable" };
  return { kind: "unknown" };
}

export type DonateOutcome =
  | { kind: "given"; points: number; valueCents: number; currencyCode: string; balance: number }
  | { kind: "insufficient_points"; balance: number; pointsNeeded: number }
  /** Not a whole number of steps, a cause no longer running, or points giving closed: nothing given. */
  | { kind: "invalid_points" | "unknown_cause" | "giving_closed" | "signed_out" }
  /** No definite answer (network, 5xx): retrying with the same key gives once. */
  | { kind: "unknown" };

/**
 * Gives points to a cause (`POST /api/extension/donations`). The same `idempotencyKey` on a retry
 * returns the same donation instead of giving twice.
 */
export async function donatePoints(
  sessionToken: TokenSource,
  causeId: string,
  points: number,
  idempotencyKey: string,
): Promise<DonateOutcome> {
  let answer;
  try {
    answer = await call(sessionToken, "/api/extension/donations", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": idempotencyKey },
      body: JSON.stringify({ causeId, points }),
    });
  } catch {
    return { kind: "unknown" };
  }
  const { status, body } = answer;
  if ((status === 200 || status === 201) && body?.donation) {
    const { points, valueCents, currencyCode } = body.donation;
    return { kind: "given", points, valueCents, currencyCode, balance: body.balance };
  }
  if (status === 401) return { kind: "signed_out" };
  if (body?.error === "insufficient_points")
    return { kind: "insufficient_points", balance: body.balance, pointsNeeded: body.pointsNeeded };
  if (["invalid_points", "unknown_cause", "giving_closed"].includes(body?.error)) return { kind: body.error };
  return { kind: "unknown" };
}

/** A fresh key per redemption attempt, kept for its retries. */
export function newIdempotencyKey(): string {
  const random = globalThis.crypto?.randomUUID?.();
  return (
    random ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`
  );
}

/** Rewards the shopper can redeem now, cheapest first. */
export const affordableRewards = (member: Member) =>
  member.rewards.filter((reward) => reward.available).sort((a, b) => a.pointsCost - b.pointsCost);

/** The cheapest reward still out of reach for lack of points, and how many are missing. */
export function nextReward(member: Member): { reward: Reward; missing: number } | null {
  const reward = member.rewards
    .filter((r) => !r.available && r.pointsCost > member.points.balance)
    .sort((a, b) => a.pointsCost - b.pointsCost)[0];
  return reward ? { reward, missing: reward.pointsCost - member.points.balance } : null;
}

/** Codes already paid for and still usable (or being created), newest first; store credit is no code. */
export const openCodes = (member: Member) =>
  member.redemptions.filter((r) => !r.storeCredit && (r.status === "active" || r.status === "pending"));

/** Progress to the next tier as 0..1 (1 at the top tier), or null without tiers. */
export function tierFraction(progress: TierProgress | null | undefined): number | null {
  if (!progress) return null;
  if (!progress.next) return 1;
  return progress.next.threshold > 0 ? Math.min(1, progress.value / progress.next.threshold) : 1;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A redemption answered `pending` (Shopify slow to create the code) becomes `active` shortly,
 * or `failed` with the points refunded: look again a few times. Returns the last state seen.
 */
export async function settleRedemption(
  sessionToken: TokenSource,
  redemption: Redemption,
  delays = [1500, 3000, 6000],
): Promise<Redemption> {
  let current = redemption;
  for (const delay of delays) {
    if (current.status !== "pending") break;
    await sleep(delay);
    const answer = await fetchMember(sessionToken).catch(() => null);
    const member = answer === "off" ? null : answer;
    current =
      member?.redemptions.find((r) => r.id === redemption.id) ?? (member ? { ...current, status: "failed" } : current);
  }
  return current;
}

/** Keys kept per reward and points until Tally answers for sure, so a retry never spends twice. */
const retryKeys = new Map<string, string>();

/**
 * Redeems a reward the safe way: the same Idempotency-Key until Tally gives a definite answer,
 * and a `pending` code waited for briefly. A `redeemed` outcome carries the settled redemption
 * (`active` with its code, still `pending`, or `failed` with the points refunded).
 */
export async function redeemSafely(
  sessionToken: TokenSource,
  reward: Reward,
  points = reward.pointsCost,
): Promise<RedeemOutcome> {
  // Other points are another request: a key reused for them would be refused.
  const request = `${reward.id}:${points}`;
  const key = retryKeys.get(request) ?? newIdempotencyKey();
  retryKeys.set(request, key);
  const outcome = await redeem(sessionToken, reward, key, points);
  if (outcome.kind !== "unknown") retryKeys.delete(request);
  if (outcome.kind !== "redeemed") return outcome;
  return { kind: "redeemed", redemption: await settleRedemption(sessionToken, outcome.redemption) };
}

/** A question after the NPS: one choice, several, a rating from 1 to 5, or short text. */
export interface SurveyQuestion {
  id: string;
  type: "single_choice" | "multiple_choice" | "rating" | "text";
  text: string;
  /** The choices of a single or multiple choice question. */
  options?: { id: string; label: string }[];
}

/** A post-purchase survey as the shopper reads it, in their language (`{shop}` already filled in). */
export interface Survey {
  id: string;
  name: string;
  nps: { text: string; comment: boolean };
  questions: SurveyQuestion[];
  /** What a member earns for answering (guests earn nothing). */
  points: number;
}

/** What `GET /api/extension/surveys?orderId=…` says about an order once Tally has it. */
export interface OrderSurvey {
  orderId: string;
  /** Null when no survey asks about this order. */
  survey: Survey | null;
  /** Null until the order's survey is answered. */
  answer: { score: number; points: number } | null;
}

/** A recent order a survey asks about and the shopper has not answered (the Rewards page). */
export interface PendingSurvey {
  orderId: string;
  orderName: string;
  placedAt: string;
  survey: Survey;
}

/**
 * The body's `answers`: `nps` 0–10, the optional `comment` (≤ 1000 characters), and per question
 * an option id, option ids, 1–5 or text (≤ 500 characters).
 */
export type SurveyAnswers = { nps: number; comment?: string } & Record<string, string | string[] | number>;

export type SurveyAnswerOutcome =
  /** Recorded now or before (a retry answers the same): the points it earned, 0 for a guest. */
  | { kind: "answered"; score: number; points: number }
  /** Tally refused the answers (422): nothing recorded. */
  | { kind: "invalid" }
  /** The survey no longer asks about this order (409), or the order is not the shopper's (404). */
  | { kind: "closed" }
  /** Too many answers in a short time (429): try again in a minute. */
  | { kind: "rate_limited" }
  /** No answer (network, 5xx): sending again is safe, an order's answer counts once. */
  | { kind: "unknown" };

/**
 * The survey for one order (thank-you and order status pages): `processing` while Tally has not
 * recorded the order yet (ask again in a few seconds); throws on 404 (not the shopper's order).
 */
export async function fetchOrderSurvey(
  sessionToken: TokenSource,
  orderId: string,
): Promise<OrderSurvey | { status: "processing" }> {
  const { status, body } = await call(sessionToken, `/api/extension/surveys?orderId=${encodeURIComponent(orderId)}`);
  if (status === 202) return { status: "processing" };
  if (status !== 200 || !body) throw new TallyError(status);
  return body as OrderSurvey;
}

/** Recent orders the signed-in shopper has a survey to answer for (at most 3). */
export async function fetchPendingSurveys(sessionToken: TokenSource): Promise<PendingSurvey[]> {
  const body = await read<{ pending?: PendingSurvey[] }>(sessionToken, "/api/extension/surveys");
  return Array.isArray(body.pending) ? body.pending : [];
}

/** Sends an order's answers once; sending them again (after a network failure) returns the same answer. */
export async function answerSurvey(
  sessionToken: TokenSource,
  surveyId: string,
  orderId: string,
  answers: SurveyAnswers,
): Promise<SurveyAnswerOutcome> {
  let answer;
  try {
    answer = await call(sessionToken, `/api/extension/surveys/${encodeURIComponent(surveyId)}/answers`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ orderId, answers }),
    });
  } catch {
    return { kind: "unknown" };
  }
  const { status, body } = answer;
  if ((status === 200 || status === 201) && body?.answer)
    return { kind: "answered", score: body.answer.score, points: body.answer.points ?? 0 };
  if (status === 422) return { kind: "invalid" };
  if (status === 404 || status === 409) return { kind: "closed" };
  if (status === 429) return { kind: "rate_limited" };
  return { kind: "unknown" };
}
