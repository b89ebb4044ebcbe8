import { hasTierPerks, tierTag, type Cause, type Program, type Reward, type TierLevel } from "./program";

/**
 * The program as the theme's Liquid reads it (the shop metafield `tally.program`, JSON): what the
 * loyalty page and the launcher's announcement show, with no request from the shopper's browser.
 * Only what a shopper may read. Amounts are in cents, as Liquid's money filters take them; bonus
 * events keep their start and end (seconds since 1970, as Liquid's `date: '%s'` gives the time),
 * so the page shows the one running when it is rendered, long after the program was saved.
 */
export function storefrontProgram(program: Program, currencyCode: string | null = null) {
  const { order, bonusEvents, signup, birthday, customActions } = program.earning;
  const { metric, period, levels } = program.tiers;
  return {
    enabled: program.enabled,
    earning: {
      pointsPerCurrencyUnit: order.pointsPerCurrencyUnit,
      minimumSubtotal: cents(order.minimumSubtotal),
      signupPoints: signup.points,
      birthdayPoints: birthday.points,
      // `claimable`: the theme loads the claims list (tally-claim.js) only when one is.
      actions: customActions.map((action) => ({
        name: action.name,
        points: action.points,
        claimable: action.claimable && action.url !== null,
      })),
      bonusEvents: bonusEvents.map((event) => ({
        name: event.name,
        multiplier: event.multiplier,
        startsAt: seconds(event.startsAt),
        endsAt: seconds(event.endsAt),
      })),
    },
    rewards: program.rewards.map(storefrontReward),
    tiers: {
      metric,
      period,
      levels: levels.map((level) => ({
        name: level.name,
        // Money thresholds in cents too; points and orders as they are.
        threshold: metric === "amount_spent" ? cents(level.threshold) : level.threshold,
        earnMultiplier: level.earnMultiplier,
        entryBonusPoints: level.entryBonusPoints,
        ...storefrontPerks(program, level),
      })),
    },
    referrals: program.enabled && program.referrals.enabled ? storefrontReferrals(program) : null,
    // The theme loads the challenges, badges and leaderboard box (tally-engage.js) only when true.
    engagement:
      program.enabled &&
      (program.engagement.challenges.length > 0 ||
        program.engagement.milestones.length > 0 ||
        program.engagement.leaderboard.enabled),
    // The theme loads the paid membership's box (tally-membership.js) only when there is one to sell.
    membership:
      program.enabled && program.membership.enabled && program.membership.plans.some((plan) => plan.variantId !== null),
    giving: storefrontGiving(program, currencyCode),
  };
}

export type StorefrontProgram = ReturnType<typeof storefrontProgram>;

const cents = (amount: number) => Math.round(amount * 100);
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** A reward's name, cost in points, and what it gives in numbers the page can word. */
function storefrontReward(reward: Reward) {
  const common = { name: reward.name, type: reward.type };
  switch (reward.type) {
    case "fixed_amount":
      return { ...common, points: reward.pointsCost, amount: cents(reward.amount) };
    case "percentage":
      return { ...common, points: reward.pointsCost, percentage: reward.percentage };
    case "variable":
    case "store_credit":
      return {
        ...common,
        points: reward.minPoints,
        pointsPerStep: reward.pointsPerStep,
        amountPerStep: cents(reward.amountPerStep),
      };
    default:
      return { ...common, points: reward.pointsCost };
  }
}

/**
 * Giving as the theme's blocks read it (docs/giving.md): the causes with their dates in seconds (the
 * Liquid shows the ones running) and the round-up the cart offers — its rule, the donation variant
 * and the shop's currency, the only one it is offered in (the variant costs one minor unit of it);
 * `roundUp` false while it is off or the donation product is not there yet. False while giving is off.
 */
function storefrontGiving(program: Program, currencyCode: string | null) {
  const { enabled, causes, defaultCauseId, roundUp } = program.giving;
  if (!program.enabled || !enabled || causes.length === 0) return false;
  return {
    defaultCauseId,
    causes: causes.map(storefrontCause),
    roundUp:
      roundUp.enabled && roundUp.variantId !== null
        ? { rule: roundUp.rule, fixedAmounts: roundUp.fixedAmounts, variantId: roundUp.variantId, currencyCode }
        : (false as const),
  };
}

function storefrontCause(cause: Cause) {
  return {
    id: cause.id,
    name: cause.name,
    description: cause.description,
    url: cause.url,
    translations: cause.translations ?? {},
    startsAt: cause.startsAt === null ? null : seconds(cause.startsAt),
    endsAt: cause.endsAt === null ? null : seconds(cause.endsAt),
  };
}

function storefrontReferrals(program: Program) {
  const { refereeReward, referrerReward } = program.referrals;
  return {
    friendOffer:
      refereeReward.type === "fixed_amount"
        ? { type: refereeReward.type, amount: cents(refereeReward.amount) }
        : refereeReward,
    referrerReward:
      referrerReward.type === "points"
        ? { type: "points" as const, points: referrerReward.points }
        : {
            type: "reward" as const,
            name: program.rewards.find((reward) => reward.id === referrerReward.rewardId)?.name ?? "",
          },
  };
}

/**
 * A tier's perks at checkout, with the customer tag its members carry: the theme's Liquid finds a
 * signed-in shopper's tier in `customer.tags` and words the perks, or a product's member price.
 * Absent for a tier without perks.
 */
function storefrontPerks(program: Program, level: TierLevel) {
  if (!program.enabled || !hasTierPerks({ tiers: { ...program.tiers, levels: [level] } })) return {};
  const { percentageOff, freeShipping } = level.perks!;
  return {
    tag: tierTag(program, level),
    perks: {
      percentage: percentageOff?.percentage ?? null,
      collectionIds: percentageOff?.collectionIds ?? [],
      freeShipping: freeShipping !== null,
      freeShippingMinimum: freeShipping?.minimumSubtotal ? cents(freeShipping.minimumSubtotal) : null,
    },
  };
}

/** A perk as shoppers read it (the member view, the extensions); amounts in the shop's currency. */
export type PublicPerk =
  | { type: "percentage_off"; percentage: number; collectionIds: string[] }
  | { type: "free_shipping"; minimumSubtotal: number | null; currencyCode: string | null };

/** What a member of this tier gets at checkout without a code; nothing while the program is off. */
export function publicTierPerks(
  program: Pick<Program, "enabled">,
  level: Pick<TierLevel, "perks">,
  currencyCode: string | null,
): PublicPerk[] {
  if (!program.enabled || !level.perks) return [];
  const { percentageOff, freeShipping } = level.perks;
  const perks: PublicPerk[] = [];
  if (percentageOff)
    perks.push({
      type: "percentage_off",
      percentage: percentageOff.percentage,
      collectionIds: percentageOff.collectionIds,
    });
  if (freeShipping)
    perks.push({
      type: "free_shipping",
      minimumSubtotal: freeShipping.minimumSubtotal,
      currencyCode: freeShipping.minimumSubtotal === null ? null : currencyCode,
    });
  return perks;
}
