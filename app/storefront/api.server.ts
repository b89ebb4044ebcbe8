import { customerDeliveriesPending } from "~/db/inbox.server";
import { randomUUID } from "node:crypto";
import { fromBigInt } from "~/db/bigint";
import type { Member, PrismaClient, Redemption } from "@prisma/client";
import { z } from "zod";
import { invalidBody } from "~/http/invalid-body";
import { inTransaction } from "~/db/transaction.server";
import { spendRateLimit } from "~/http/rate-limits.server";
import { deliverRedemptionCode } from "~/loyalty/rewards/codes.server";
import { nameIn, type Program, type TierLevel } from "~/loyalty/program/program";
import type { LoadedShop } from "~/loyalty/program/program.server";
import { ensureReferralCode, referralLink } from "~/loyalty/referrals/referrals.server";
import type { ShopperLanguage } from "~/languages";
import { ledgerEntryLabel } from "~/loyalty/points/entry-labels";
import { expiringNext } from "~/loyalty/points/expiry.server";
import { isHeldOut } from "~/loyalty/points/holdout.server";
import { holdoutEverStarted } from "~/loyalty/program/holdout";
import { bonusMultiplierAt, lineMultiplier } from "~/loyalty/points/earning";
import type { PosContext } from "~/loyalty/rewards/pos";
import { entryCost, redeemReward } from "~/loyalty/rewards/redemptions.server";
import { publicTierPerks } from "~/loyalty/program/storefront-program";
import { decimalAmount } from "~/money/money";
import { storeCreditMinorUnits } from "~/loyalty/rewards/store-credit";
import { deliverStoreCredit, refreshStaleStoreCreditSetting } from "~/loyalty/rewards/store-credit.server";
import {
  readStoreCreditSettings,
  storeCreditUnavailable,
  type StoreCreditSettings,
} from "~/loyalty/rewards/store-credit-settings.server";
import { nextReward } from "~/loyalty/program/next-reward";
import { runningWinBack } from "~/loyalty/offers/offers.server";
import { queueStoreCreditUse } from "~/loyalty/billing/billing.server";
import { tierMetrics } from "~/loyalty/tiers/tiers.server";
import { NO_COUNTS, claimStatus, claimableActions } from "~/loyalty/actions/actions";
import { actionCounts, claimAction } from "~/loyalty/actions/actions.server";
import { markSurpriseSeen, unseenSurprise } from "~/loyalty/campaigns/campaigns.server";
import { leaderboardBody } from "~/loyalty/engagement/leaderboard";
import { chooseLeaderboard, engagementView, leaderboardView } from "~/loyalty/engagement/view.server";
import type { PublicMembershipOffer } from "~/loyalty/membership/offer";
import { membershipView } from "~/loyalty/membership/view.server";
import { activeCauses, causeText, givesPoints, pointsDonationBody } from "~/loyalty/giving/giving";
import { causeTotals, donatePoints, memberGiving } from "~/loyalty/giving/giving.server";

/**
 * The shopper's API, shared by the App Proxy (`/proxy/...`, storefront and headless) and the
 * extensions (`/api/extension/...`). The routes authenticate and name the customer; everything
 * here takes that customer as given.
 */

/** A redemption as the shopper sees it: a discount code, or (store credit) the amount credited and no code. */
export const publicRedemption = (r: Redemption) =>
  r.storeCreditAmount !== null && r.storeCreditCurrency
    ? {
        id: r.id,
        code: null,
        pointsSpent: fromBigInt(r.pointsSpent),
        status: r.status,
        expiresAt: r.storeCreditExpiresAt?.toISOString() ?? null,
        storeCredit: {
          amount: decimalAmount(r.storeCreditAmount, r.storeCreditCurrency),
          currencyCode: r.storeCreditCurrency,
        },
      }
    : {
        id: r.id,
        code: r.code,
        pointsSpent: fromBigInt(r.pointsSpent),
        status: r.status,
        expiresAt: r.endsAt.toISOString(),
      };

/**
 * What a storefront may know of the program: what a shopper reads, never the whole document.
 * `rounding`, the running bonus event's `bonusMultiplier` and each tier's multiplier let the
 * theme's product block say what a product earns; the product rules stay on the server (up to 200
 * rules of 100 values each) and a product's multiplier is asked for (productMultiplierFor).
 * Names are in the shopper's `language` when the merchant translated them. `membership` is the offer
 * to join the paid membership (app/loyalty/membership/offer.ts), null when there is none to buy.
 */
export function publicProgram(
  program: Program,
  now = new Date(),
  language: ShopperLanguage = "en",
  membership: PublicMembershipOffer | null = null,
) {
  return {
    enabled: program.enabled,
    earning: {
      pointsPerCurrencyUnit: program.earning.order.pointsPerCurrencyUnit,
      rounding: program.earning.order.rounding,
      minimumSubtotal: program.earning.order.minimumSubtotal,
      bonusMultiplier: bonusMultiplierAt(program, now),
      tierMultipliers: Object.fromEntries(program.tiers.levels.map((level) => [level.id, level.earnMultiplier])),
      holdDays: program.earning.order.holdDays,
      signupPoints: program.earning.signup.points,
      birthdayPoints: program.earning.birthday.points,
      // Claimable ones carry the link the shopper opens to do them (a guest sees them to sign in for).
      actions: program.earning.customActions.map((a) => ({
        key: a.key,
        name: nameIn(a, language),
        points: a.points,
        claimable: a.claimable && a.url !== null,
        url: a.claimable ? a.url : null,
      })),
    },
    rewards: program.rewards.map((r) => ({
      id: r.id,
      name: nameIn(r, language),
      type: r.type,
      pointsCost: entryCost(r),
      membersOnly: r.membersOnly,
    })),
    referrals: program.enabled && program.referrals.enabled ? publicReferralOffer(program, language) : null,
    membership,
    giving: publicGiving(program, now, language),
  };
}

/** The causes a shopper may give to now, and how points are given (null when the program has no giving). */
function publicGiving(program: Program, now: Date, language: ShopperLanguage) {
  if (!program.enabled || !program.giving.enabled) return null;
  const { defaultCauseId, points } = program.giving;
  return {
    causes: activeCauses(program.giving, now).map((cause) => causeText(cause, language)),
    defaultCauseId,
    points: { enabled: givesPoints(program, now), pointsPerUnit: points.pointsPerUnit, step: points.step },
  };
}

const rewardName = (program: Program, rewardId: string, language: ShopperLanguage) => {
  const reward = program.rewards.find((r) => r.id === rewardId);
  return reward ? nameIn(reward, language) : "";
};

/** What a referral gives each side, for the share sheet and the friend's welcome. */
function publicReferralOffer(program: Program, language: ShopperLanguage) {
  const { refereeReward, referrerReward, minimumOrder, attributionDays } = program.referrals;
  return {
    friendOffer: refereeReward,
    referrerReward:
      referrerReward.type === "points"
        ? { type: "points" as const, points: referrerReward.points }
        : { type: "reward" as const, name: rewardName(program, referrerReward.rewardId, language) },
    minimumOrder,
    attributionDays,
  };
}

/**
 * Where the member stands on the way to the next VIP tier: the program's metric over its period
 * so far, and the next tier above the current one (null at the top). Null when the program has
 * no tiers.
 */
async function tierProgress(
  db: PrismaClient,
  shop: LoadedShop,
  member: Pick<Member, "id" | "tierId"> | null,
  now: Date,
  language: ShopperLanguage,
) {
  const { tiers } = shop.program;
  if (!tiers.levels.length) return null;
  const value = member ? ((await tierMetrics(db, shop, [member.id], now)).get(member.id) ?? 0) : 0;
  const rank = tiers.levels.findIndex((level) => level.id === member?.tierId);
  const next = tiers.levels[rank + 1] ?? null;
  // Spending is in the shop's currency: the extensions format it with its code.
  const spent =
    tiers.metric === "amount_spent" &&
    (await db.shop.findUnique({ where: { id: shop.id }, select: { currencyCode: true } }));
  return {
    ...(spent && { currency: spent.currencyCode }),
    metric: tiers.metric,
    period: tiers.period,
    value: Math.round(value * 100) / 100,
    next: next
      ? {
          id: next.id,
          name: nameIn(next, language),
          threshold: next.threshold,
          remaining: Math.max(0, Math.round((next.threshold - value) * 100) / 100),
        }
      : null,
  };
}

/**
 * `{ perks }` when the tier has perks at checkout, else nothing; a minimum subtotal is worded in the
 * shop's currency, read only then.
 */
async function tierPerksOf(db: PrismaClient, shop: LoadedShop, tier: TierLevel) {
  const currency =
    tier.perks?.freeShipping?.minimumSubtotal &&
    (await db.shop.findUnique({ where: { id: shop.id }, select: { currencyCode: true } }));
  const perks = publicTierPerks(shop.program, tier, currency ? currency.currencyCode : null);
  return perks.length ? { perks } : {};
}

type ViewedMember = Pick<
  Member,
  | "id"
  | "balance"
  | "pending"
  | "tierId"
  | "referralCode"
  | "lastEarnedAt"
  | "createdAt"
  | "leaderboardOptIn"
  | "leaderboardName"
>;
type ViewedMemberRow = Omit<ViewedMember, "balance" | "pending"> & { balance: bigint; pending: bigint };

/** The shopper's points, tier, rewards and codes: every storefront and checkout load reads it, so in plain SQL. */
export async function memberView(
  db: PrismaClient,
  shop: LoadedShop,
  customerId: string | null,
  language: ShopperLanguage,
) {
  const asGuest = async () => {
    const { offer } = await membershipView(db, shop, null, language);
    return { loggedIn: false as const, program: publicProgram(shop.program, new Date(), language, offer) };
  };
  if (!customerId) return asGuest();
  // Asked before the balance is read: once no delivery is pending, every one accepted so far has
  // committed, so the balance read next includes it (read in the other order, an apply committing
  // between the two reads shows the old balance as settled).
  const processing = await customerDeliveriesPending(db, shop.domain, customerId);
  const [row = null] = await db.$queryRaw<ViewedMemberRow[]>`
    SELECT id, balance, pending, "tierId", "referralCode", "lastEarnedAt", "createdAt", "leaderboardOptIn", "leaderboardName" FROM "Member"
     WHERE "shopId" = ${shop.id} AND "shopifyCustomerId" = ${customerId}`;
  const member = row && { ...row, balance: fromBigInt(row.balance), pending: fromBigInt(row.pending) };
  // A held-out customer is answered as a guest is, and no member is made for them (docs/roi.md).
  if (!member && holdoutEverStarted(shop.program.holdout) && (await isHeldOut(db, shop.id, customerId, new Date())))
    return asGuest();
  const balance = member?.balance ?? 0;
  const tier = shop.program.tiers.levels.find((level) => level.id === member?.tierId) ?? null;
  const offersStoreCredit = shop.program.rewards.some((reward) => reward.type === "store_credit");
  // Nothing to claim while the program is off (claims answer 409 then).
  const claimable = shop.program.enabled ? claimableActions(shop.program) : [];
  const [
    redemptions,
    expiring,
    progress,
    storeCredit,
    counts,
    surprise,
    engagement,
    leaderboard,
    winBack,
    paid,
    giving,
  ] = await Promise.all([
    member
      ? db.$queryRaw<Redemption[]>`
          SELECT * FROM "Redemption" WHERE "memberId" = ${member.id} AND status NOT IN ('failed', 'reversed') ORDER BY "createdAt" DESC LIMIT 20`
      : [],
    member ? expiringNext(db, shop, member) : null,
    tierProgress(db, shop, member, new Date(), language),
    offersStoreCredit ? memberStoreCredit(db, shop.id, member?.id ?? null) : null,
    member && claimable.length
      ? actionCounts(
          db,
          member.id,
          claimable.map((a) => a.key),
        )
      : new Map(),
    member ? unseenSurprise(db, shop, member.id, language) : null,
    engagementView(db, shop, member, language),
    leaderboardView(db, shop, member),
    member && shop.program.enabled ? runningWinBack(db, member.id, new Date()) : null,
    membershipView(db, shop, member?.id ?? null, language),
    memberGiving(db, shop, member?.id ?? null, new Date()),
  ]);
  // Members-only rewards: for paying members (active or in grace) alone.
  const paying = paid.membership?.active ?? false;
  // A shopper not paying is never told to save up for a members-only reward.
  const next = nextReward(
    paying ? shop.program : { ...shop.program, rewards: shop.program.rewards.filter((r) => !r.membersOnly) },
    balance,
    tier?.id ?? null,
  );
  return {
    loggedIn: true as const,
    customerId,
    // `processing`: a webhook about this customer (an order, a refund) is accepted and its points
    // not yet applied — moments, under load up to the inbox's apply lag (docs/storefront-api.md).
    points: { balance, pending: member?.pending ?? 0, expiringNext: expiring, processing },
    tier: tier && { id: tier.id, name: nameIn(tier, language), ...(await tierPerksOf(db, shop, tier)) },
    tierProgress: progress,
    rewards: shop.program.rewards.map((reward) => {
      const offered =
        shop.program.enabled &&
        (reward.tierIds.length === 0 || (tier !== null && reward.tierIds.includes(tier.id))) &&
        (!reward.membersOnly || paying) &&
        balance >= entryCost(reward);
      if (reward.type !== "store_credit" || !storeCredit) {
        return {
          id: reward.id,
          name: nameIn(reward, language),
          type: reward.type,
          pointsCost: entryCost(reward),
          membersOnly: reward.membersOnly,
          available: offered,
        };
      }
      return {
        id: reward.id,
        name: nameIn(reward, language),
        type: reward.type,
        membersOnly: reward.membersOnly,
        ...storeCreditOffer(reward, balance, storeCredit.settings, offered),
      };
    }),
    redemptions: redemptions.map(publicRedemption),
    // Personal offers: a running win-back multiplier, and the next best reward ("120 points to 10 off").
    offers: {
      winBack,
      nextReward: next && {
        rewardId: next.reward.id,
        name: nameIn(next.reward, language),
        pointsCost: next.pointsCost,
        remaining: next.remaining,
      },
    },
    // The actions the shopper claims themselves, and whether they have (or earned it as often as allowed).
    actions: claimable.map((action) => ({
      key: action.key,
      name: nameIn(action, language),
      points: action.points,
      url: action.url!,
      status: claimStatus(action, counts.get(action.key) ?? NO_COUNTS),
    })),
    // What the member's points became in Shopify store credit (null when the program offers none).
    storeCredit: storeCredit?.credited ?? null,
    // The latest campaign gift not yet seen (docs/campaigns.md): shown once, then marked seen.
    surprise,
    // Challenges with their progress, badges earned and next, and the month's leaderboard (null when off).
    challenges: engagement.challenges,
    badges: engagement.badges,
    leaderboard,
    // The paid membership: null when the shopper never paid (program.membership is the offer to join).
    membership: paid.membership,
    // What the member gave this year: round-ups and points' value (null when the program has no giving).
    giving,
    // A code is drawn once; every later read of the member has it already.
    referral:
      shop.program.enabled && shop.program.referrals.enabled
        ? referralLink(member?.referralCode ?? (await ensureReferralCode(db, shop.id, customerId)))
        : null,
    program: publicProgram(shop.program, new Date(), language, paid.offer),
  };
}

/**
 * The shop's store credit setting (as last read, never asked of Shopify here) and what the member
 * has converted so far: the store credit Tally credited, in the shop's currency, and the points
 * it came from. Shopify's live balance (what is left after paying with it) is Shopify's to show.
 */
async function memberStoreCredit(db: PrismaClient, shopId: string, memberId: string | null) {
  const settings = await readStoreCreditSettings(db, shopId);
  const currencyCode = settings.currencyCode;
  if (!memberId || !currencyCode) return { settings, credited: null };
  const [sum] = await db.$queryRaw<{ amount: bigint | null; points: bigint | null }[]>`
    SELECT SUM("storeCreditAmount") AS amount, SUM("pointsSpent") AS points FROM "Redemption"
     WHERE "memberId" = ${memberId} AND status = 'active' AND "storeCreditCurrency" = ${currencyCode}`;
  return {
    settings,
    credited: {
      amount: decimalAmount(sum?.amount ?? 0n, currencyCode),
      currencyCode,
      fromPoints: fromBigInt(sum?.points ?? 0n),
    },
  };
}

/**
 * A store credit reward as the shopper is offered it: `pointsCost` is what converting now spends —
 * every point the balance allows, in whole steps, up to the reward's maximum (its minimum when the
 * balance is short) — and `storeCredit` what those points become and the steps the shopper may
 * choose instead. Unavailable, with a `reason`, where Shopify's store credit is off.
 */
function storeCreditOffer(
  reward: Extract<Program["rewards"][number], { type: "store_credit" }>,
  balance: number,
  settings: StoreCreditSettings,
  offered: boolean,
) {
  const convertible = Math.min(reward.maxPoints, balance - (balance % reward.pointsPerStep));
  const points = Math.max(reward.minPoints, convertible);
  const reason = storeCreditUnavailable(settings);
  return {
    pointsCost: points,
    available: offered && reason === null,
    ...(reason && { reason }),
    storeCredit: settings.currencyCode
      ? {
          amount: decimalAmount(storeCreditMinorUnits(reward, points, settings.currencyCode), settings.currencyCode),
          currencyCode: settings.currencyCode,
          pointsPerStep: reward.pointsPerStep,
          minPoints: reward.minPoints,
          maxPoints: reward.maxPoints,
        }
      : null,
  };
}

const ACTIVITY_PAGE = 20;

/** The member's ledger, newest first, in the shopper's words. `cursor` is the last entry's id. */
export async function memberActivity(
  db: PrismaClient,
  shop: LoadedShop,
  customerId: string,
  cursor: string | null,
  language: ShopperLanguage,
) {
  const member = await db.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId: shop.id, shopifyCustomerId: customerId } },
  });
  if (!member) return { entries: [], nextCursor: null };
  const entries = await db.ledgerEntry.findMany({
    where: { memberId: member.id },
    include: { order: { select: { name: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: ACTIVITY_PAGE + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
  });
  const page = entries.slice(0, ACTIVITY_PAGE);
  return {
    entries: page.map((entry) => ({
      id: entry.id,
      at: entry.createdAt.toISOString(),
      kind: entry.kind,
      points: fromBigInt(entry.kind === "release" ? entry.delta : entry.delta + entry.pendingDelta),
      pending: entry.kind !== "release" && entry.pendingDelta !== 0n,
      description: ledgerEntryLabel({ ...entry, orderName: entry.order?.name ?? null }, shop.program, language),
    })),
    nextCursor: entries.length > ACTIVITY_PAGE ? page[page.length - 1]!.id : null,
  };
}

export const redeemBody = z.object({
  rewardId: z.string().min(1).max(50),
  points: z.number().int().positive().optional(),
});

/**
 * A customer held out of the program (docs/roi.md) asks something of it: refused with 409
 * not_in_program, and no member is made for them — a member row would enrol them before their hold ends.
 */
async function refusedWhileHeldOut(db: PrismaClient, shop: LoadedShop, customerId: string): Promise<Response | null> {
  if (!holdoutEverStarted(shop.program.holdout)) return null;
  const member = await db.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId: shop.id, shopifyCustomerId: customerId } },
    select: { id: true },
  });
  if (member || !(await isHeldOut(db, shop.id, customerId, new Date()))) return null;
  return Response.json({ error: "not_in_program" }, { status: 409 });
}

/**
 * POST …/redemptions (10 attempts a minute per shopper, else 429): spend the points, then try once, quickly, to create the code so the
 * shopper gets a usable code in the same answer; if Shopify is slow or failing the outbox
 * keeps trying (status "pending") and refunds the points if it finally cannot.
 */
export async function redeemForCustomer(
  db: PrismaClient,
  shop: LoadedShop,
  customerId: string,
  body: unknown,
  idempotencyKey: string | null,
  /** Staff redeeming for the customer at the point of sale. */
  pos?: PosContext,
): Promise<Response> {
  await spendRateLimit("redemption", `${shop.id}:${customerId}`);
  const heldOut = await refusedWhileHeldOut(db, shop, customerId);
  if (heldOut) return heldOut;
  const parsed = redeemBody.safeParse(body);
  if (!parsed.success) {
    return invalidBody("invalid_request", parsed.error.issues);
  }
  const requestKey = idempotencyKey ?? randomUUID();
  const reward = shop.program.rewards.find((r) => r.id === parsed.data.rewardId);
  if (reward?.type === "store_credit") await refreshStaleStoreCreditSetting(db, shop, new Date());
  const result = await inTransaction(db, (tx) =>
    redeemReward(tx, shop, {
      customerId,
      rewardId: parsed.data.rewardId,
      points: parsed.data.points,
      requestKey,
      now: new Date(),
      pos,
    }),
  );
  switch (result.status) {
    case "unknown_reward":
      return Response.json({ error: "unknown_reward" }, { status: 422 });
    case "invalid_points":
      return Response.json({ error: "invalid_points" }, { status: 422 });
    case "idempotency_key_reused":
      return Response.json({ error: "idempotency_key_reused" }, { status: 422 });
    case "reward_unavailable":
      return Response.json(
        { error: "reward_unavailable", ...(result.reason && { reason: result.reason }) },
        { status: 409 },
      );
    case "insufficient_points":
      return Response.json(
        { error: "insufficient_points", balance: result.balance, pointsNeeded: result.pointsNeeded },
        { status: 409 },
      );
    case "duplicate":
      return Response.json({ redemption: publicRedemption(result.redemption) }, { status: 200 });
    case "created": {
      if (result.redemption.storeCreditAmount !== null) return creditNow(db, result.redemption);
      const redemption = await deliverRedemptionCode(db, result.redemption.id, new Date(), { maxAttempts: 2 });
      if (redemption.status === "failed") {
        // Shopify refused the code; the points are already back.
        return Response.json({ error: "code_not_created", redemption: publicRedemption(redemption) }, { status: 502 });
      }
      return Response.json({ redemption: publicRedemption(redemption) }, { status: 201 });
    }
  }
}

/**
 * Points just converted to store credit: credited in Shopify within the request when it can be
 * (201, "active"); left to the outbox when Shopify is slow or throttled (201, "pending"); refused
 * by Shopify (409, the points already back) with Shopify's reason for the shopper's message.
 */
async function creditNow(db: PrismaClient, pending: Redemption): Promise<Response> {
  const now = new Date();
  const redemption = await deliverStoreCredit(db, pending.id, now, {
    onCredited: (tx, credited) => queueStoreCreditUse(tx, credited, now),
  });
  if (redemption.status === "failed") {
    const reason = /^([A-Z_]+):/.exec(redemption.failureReason ?? "")?.[1]?.toLowerCase() ?? "not_credited";
    return Response.json(
      { error: "store_credit_not_credited", reason, redemption: publicRedemption(redemption) },
      { status: 409 },
    );
  }
  return Response.json({ redemption: publicRedemption(redemption) }, { status: 201 });
}

const productQuery = z.object({
  productId: z
    .string()
    .regex(/^[0-9]{1,20}$/)
    .nullable(),
  productType: z.string().max(255).nullable(),
  tags: z.array(z.string().max(255)).max(250),
  collectionIds: z.array(z.string().regex(/^[0-9]{1,20}$/)).max(250),
});

/**
 * GET /apps/tally/product-multiplier?product_id=&type=&tag=…&collection=…: the product rules'
 * multiplier for one product (0 excluded, 1 no rule), computed as an order line is.
 */
export function productMultiplierFor(shop: LoadedShop, query: URLSearchParams): Response {
  const parsed = productQuery.safeParse({
    productId: query.get("product_id") || null,
    productType: query.get("type") || null,
    tags: query.getAll("tag"),
    collectionIds: query.getAll("collection"),
  });
  if (!parsed.success) return Response.json({ error: "invalid_request" }, { status: 400 });
  const { productId, ...facts } = parsed.data;
  const multiplier = lineMultiplier(shop.program.earning.order.productRules, productId, facts);
  return Response.json({ multiplier }, { headers: { "Cache-Control": "private, max-age=60" } });
}

export const claimBody = z.object({ action: z.string().min(1).max(50) });

const CLAIM_STATUS = {
  awarded: 201,
  duplicate: 200,
  unknown_action: 404,
  limit_reached: 409,
  program_disabled: 409,
} as const;

/**
 * POST …/actions/claim { action } (10 a minute per shopper, else 429): the shopper says they did a
 * claimable action. 201 with the points the first time, 200 with the same answer after (nothing
 * awarded again), 404 for an action shoppers cannot claim, 409 while the program is off or the
 * action's limits are reached.
 */
export async function claimForCustomer(
  db: PrismaClient,
  shop: LoadedShop,
  customerId: string,
  body: unknown,
): Promise<Response> {
  await spendRateLimit("actionClaim", `${shop.id}:${customerId}`);
  const heldOut = await refusedWhileHeldOut(db, shop, customerId);
  if (heldOut) return heldOut;
  const parsed = claimBody.safeParse(body);
  if (!parsed.success) {
    return invalidBody("invalid_request", parsed.error.issues);
  }
  const result = await inTransaction(db, (tx) =>
    claimAction(tx, shop, { customerId, actionKey: parsed.data.action, now: new Date() }),
  );
  if (result.status === "awarded" || result.status === "duplicate") {
    return Response.json(
      { action: parsed.data.action, status: "claimed", points: result.points, balance: result.balance },
      { status: CLAIM_STATUS[result.status] },
    );
  }
  return Response.json({ error: result.status }, { status: CLAIM_STATUS[result.status] });
}

/** POST …/surprises/:id/seen: the shopper saw the campaign's surprise; 204, or 404 when they had none. */
export async function surpriseSeenForCustomer(
  db: PrismaClient,
  shop: LoadedShop,
  customerId: string,
  campaignId: string,
): Promise<Response> {
  if (!/^[\w-]{1,100}$/.test(campaignId)) return Response.json({ error: "not_found" }, { status: 404 });
  const seen = await markSurpriseSeen(db, shop.id, customerId, campaignId);
  return seen ? new Response(null, { status: 204 }) : Response.json({ error: "not_found" }, { status: 404 });
}

/**
 * POST …/leaderboard { optIn, nickname? } (10 a minute per shopper, else 429): the shopper joins or
 * leaves the monthly leaderboard. 200 with the choice saved, 422 for a nickname that is not plain
 * (2–20 letters, digits, spaces, . _ -), 409 while the program has no leaderboard.
 */
export async function leaderboardForCustomer(
  db: PrismaClient,
  shop: LoadedShop,
  customerId: string,
  body: unknown,
): Promise<Response> {
  await spendRateLimit("leaderboard", `${shop.id}:${customerId}`);
  const heldOut = await refusedWhileHeldOut(db, shop, customerId);
  if (heldOut) return heldOut;
  const parsed = leaderboardBody.safeParse(body);
  if (!parsed.success) {
    const nickname = parsed.error.issues.some((issue) => issue.path[0] === "nickname");
    return invalidBody(nickname ? "invalid_nickname" : "invalid_request", parsed.error.issues);
  }
  const result = await chooseLeaderboard(db, shop, customerId, parsed.data);
  if (result.status === "disabled") return Response.json({ error: "leaderboard_disabled" }, { status: 409 });
  return Response.json({ optedIn: result.optedIn, nickname: result.nickname });
}

/** POST …/donations { causeId, points }: a member gives points to a cause (the Idempotency-Key makes a retry the same gift). */
export async function donateForCustomer(
  db: PrismaClient,
  shop: LoadedShop,
  customerId: string,
  body: unknown,
  idempotencyKey: string | null,
): Promise<Response> {
  await spendRateLimit("donation", `${shop.id}:${customerId}`);
  const heldOut = await refusedWhileHeldOut(db, shop, customerId);
  if (heldOut) return heldOut;
  const parsed = pointsDonationBody.safeParse(body);
  if (!parsed.success) {
    return invalidBody("invalid_request", parsed.error.issues);
  }
  const result = await inTransaction(db, (tx) =>
    donatePoints(tx, shop, { ...parsed.data, customerId, requestKey: idempotencyKey ?? randomUUID(), now: new Date() }),
  );
  switch (result.status) {
    case "created":
    case "duplicate":
      return Response.json(
        { donation: result.donation, balance: result.balance },
        { status: result.status === "created" ? 201 : 200 },
      );
    case "insufficient_points":
      return Response.json(
        { error: "insufficient_points", balance: result.balance, pointsNeeded: result.pointsNeeded },
        { status: 409 },
      );
    case "giving_closed":
      return Response.json({ error: "giving_closed" }, { status: 409 });
    case "unknown_cause":
    case "invalid_points":
    case "idempotency_key_reused":
      return Response.json({ error: result.status }, { status: 422 });
  }
}

/** GET …/giving: the running causes with what was given to each so far (public: no shopper needed). */
export async function givingTotals(db: PrismaClient, shop: LoadedShop, language: ShopperLanguage): Promise<Response> {
  return Response.json(await causeTotals(db, shop, language, new Date()));
}
