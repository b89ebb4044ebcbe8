import { z } from "zod";
import { SHOPPER_LANGUAGES, type ShopperLanguage } from "~/languages";

/**
 * A shop's loyalty program: one JSON document, validated here, stored on the shop with a
 * revision number. docs/program.md describes every field for merchants and integrators.
 */

/**
 * Bounds on the whole document (docs/decisions/0016-program-bounds-and-opaque-keys.md): every points value stays
 * ≤ MAX_POINTS and every rate ≤ MAX_POINTS_PER_UNIT, so nothing a program allows can overflow a
 * balance; every list and string has a maximum, so no document can slow a storefront.
 */
export const MAX_POINTS = 1_000_000_000;
/** Points per currency unit once every multiplier applies (rate × product × bonus × tier). */
export const MAX_POINTS_PER_UNIT = 10_000;
export const MAX_PROGRAM_BYTES = 256 * 1024;
export const MAX_PRODUCT_RULES = 200;
/** Product, collection ids, tags or product types in one match or one reward's scope. */
export const MAX_MATCH_VALUES = 100;
const MAX_MONEY = 1_000_000_000;
const MAX_TIERS = 50;

const nonNegativeInt = z.number().int().min(0);
const points = z.number().int().min(0).max(MAX_POINTS);
const positivePoints = z.number().int().min(1).max(MAX_POINTS);
const money = z.number().min(0).max(MAX_MONEY).multipleOf(0.01);
const id = z.string().min(1).max(100);
const ids = z.array(id).max(MAX_MATCH_VALUES);
const label = z.string().min(1).max(255);

export const productMatchSchema = z
  .object({
    productIds: ids.default([]),
    collectionIds: ids.default([]),
    tags: z.array(label).max(MAX_MATCH_VALUES).default([]),
    productTypes: z.array(label).max(MAX_MATCH_VALUES).default([]),
  })
  .refine((m) => m.productIds.length + m.collectionIds.length + m.tags.length + m.productTypes.length > 0, {
    message: "match at least one product, collection, tag or product type",
  });

export const orderEarningSchema = z.object({
  pointsPerCurrencyUnit: z.number().min(0).max(1000).default(1),
  rounding: z.enum(["floor", "round", "ceil"]).default("floor"),
  minimumSubtotal: money.default(0),
  /** Points stay pending this long after payment (cover the returns window). */
  holdDays: nonNegativeInt.max(365).default(0),
  /** Per-line multipliers; 0 excludes the line. When several match, 0 wins, else the highest. */
  productRules: z
    .array(
      z.object({
        name: z.string().max(100).default(""),
        match: productMatchSchema,
        multiplier: z.number().min(0).max(100),
      }),
    )
    .max(MAX_PRODUCT_RULES)
    .default([]),
});

export const bonusEventSchema = z
  .object({
    name: z.string().min(1).max(100),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    multiplier: z.number().gt(0).max(100),
    /** Only members of these tiers get it (empty: everyone). */
    tierIds: z.array(id).max(MAX_TIERS).default([]),
    /** Only customers in this Shopify customer segment get it (a Segment gid; null: everyone). */
    segmentId: z
      .string()
      .regex(/^gid:\/\/shopify\/Segment\/[0-9]{1,20}$/, "a customer segment (gid://shopify/Segment/…)")
      .nullable()
      .default(null),
  })
  .refine((event) => Date.parse(event.endsAt) > Date.parse(event.startsAt), {
    message: "endsAt must be after startsAt",
    path: ["endsAt"],
  });

/**
 * The merchant's own words in other languages (`{ fr: { name: "…" } }`): a shopper reading one of
 * them sees it, any other shopper the default text. Bounded as the default text is.
 */
const translations = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.partialRecord(z.enum(SHOPPER_LANGUAGES), z.strictObject(shape)).optional();

/** A https link the merchant gives (a cause's page, an action's page). */
const httpsLink = z
  .string()
  .max(500)
  .url()
  .refine((value) => value.startsWith("https://"), "an https:// link");

export const customActionSchema = z.object({
  key: z.string().regex(/^[a-z0-9_-]{1,50}$/, "lowercase letters, digits, _ and - only"),
  name: z.string().min(1).max(100),
  translations: translations({ name: z.string().min(1).max(100) }),
  points: nonNegativeInt.max(1_000_000),
  /** How many times one shopper can earn it; null for no limit. */
  limitPerCustomer: z.number().int().min(1).max(1_000_000).nullable().default(1),
  /** How many times one shopper can earn it per day (UTC); null for no daily limit. */
  limitPerDay: z.number().int().min(1).max(1_000).nullable().default(null),
  /** Shoppers claim it themselves from the widget and customer account (honour system), once each; needs a `url`. */
  claimable: z.boolean().default(false),
  /** The page the shopper opens to do it (a profile to follow, a page to visit); https only. */
  url: httpsLink.nullable().default(null),
  /** Awarded by Tally itself when Shopify confirms it, instead of claimed: newsletter = email marketing consent. */
  verifiedBy: z.enum(["newsletter"]).nullable().default(null),
});

const rewardId = z.string().regex(/^[a-z0-9_-]{1,50}$/, "lowercase letters, digits, _ and - only");

/** Which other discounts a reward's code or a tier perk may be used with (Shopify's combinesWith). */
const combinesWithSchema = z
  .object({
    orderDiscounts: z.boolean().default(false),
    productDiscounts: z.boolean().default(false),
    shippingDiscounts: z.boolean().default(false),
  })
  .default({ orderDiscounts: false, productDiscounts: false, shippingDiscounts: false });

/** What every reward has, whatever it gives. */
const rewardCommon = {
  id: rewardId,
  name: z.string().min(1).max(100),
  translations: translations({ name: z.string().min(1).max(100) }),
  /** The order must reach this subtotal for the code to apply. */
  minimumOrder: money.gt(0).nullable().default(null),
  /** Empty: the whole order. */
  scope: z
    .object({ productIds: ids.default([]), collectionIds: ids.default([]) })
    .default({ productIds: [], collectionIds: [] }),
  /** Only members of these tiers may redeem it (empty: everyone). */
  tierIds: z.array(id).max(MAX_TIERS).default([]),
  /** Only paying members of the paid membership may redeem it (app/loyalty/membership). */
  membersOnly: z.boolean().default(false),
  codePrefix: z
    .string()
    .regex(/^[A-Z0-9-]{0,12}$/, "up to 12 capital letters, digits and -")
    .default("TALLY-"),
  codeLifetimeDays: z.number().int().min(1).max(365).default(30),
  /** Which other discounts the code may be used with (Shopify's combinesWith). */
  combinesWith: combinesWithSchema,
};

/** A reward the shopper buys in steps of points, choosing how many (variable, store_credit). */
const steps = {
  pointsPerStep: positivePoints,
  amountPerStep: money.gt(0),
  minPoints: positivePoints,
  maxPoints: positivePoints,
};
const steppedReward = <Shape extends z.ZodObject<typeof steps>>(reward: Shape) =>
  reward
    .refine((r) => r.maxPoints >= r.minPoints, { message: "maxPoints must be at least minPoints", path: ["maxPoints"] })
    .refine((r) => r.minPoints % r.pointsPerStep === 0 && r.maxPoints % r.pointsPerStep === 0, {
      message: "minPoints and maxPoints must be whole steps",
      path: ["pointsPerStep"],
    });

export const rewardSchema = z.discriminatedUnion("type", [
  z.object({ ...rewardCommon, type: z.literal("fixed_amount"), pointsCost: positivePoints, amount: money.gt(0) }),
  z.object({
    ...rewardCommon,
    type: z.literal("percentage"),
    pointsCost: positivePoints,
    percentage: z.number().gt(0).max(100),
  }),
  z.object({
    ...rewardCommon,
    type: z.literal("free_shipping"),
    pointsCost: positivePoints,
    maxShippingPrice: money.gt(0).nullable().default(null),
  }),
  z.object({ ...rewardCommon, type: z.literal("free_product"), pointsCost: positivePoints, variantId: id }),
  steppedReward(
    z.object({
      ...rewardCommon,
      type: z.literal("variable"),
      /** "N points = X off": each step of pointsPerStep points is worth amountPerStep. */
      ...steps,
    }),
  ),
  steppedReward(
    z.object({
      ...rewardCommon,
      type: z.literal("store_credit"),
      /** "N points = X of store credit" in the shop's currency, credited to the customer's Shopify store credit. */
      ...steps,
      /** The credit expires this many days after it is given (null: never). */
      creditExpiryDays: z.number().int().min(1).max(3650).nullable().default(null),
    }),
  ),
]);

export type Reward = z.infer<typeof rewardSchema>;
export type CustomAction = z.infer<typeof customActionSchema>;
/** A reward the shopper pays for with a number of points they choose. */
export type SteppedReward = Extract<Reward, { type: "variable" | "store_credit" }>;
export const isStepped = (reward: Reward): reward is SteppedReward =>
  reward.type === "variable" || reward.type === "store_credit";

/**
 * What members of a tier get at checkout without a code: Shopify automatic discounts limited to the
 * tier's customer segment (app/loyalty/tiers/perks.ts). At most one of each kind per tier.
 */
export const tierPerksSchema = z
  .object({
    /** A percentage off the whole order, or off the products of these collections. */
    percentageOff: z
      .object({
        percentage: z.number().gt(0).max(100),
        collectionIds: ids.default([]),
        combinesWith: combinesWithSchema,
      })
      .nullable()
      .default(null),
    /** Free shipping, on orders from this subtotal up when there is one. */
    freeShipping: z
      .object({ minimumSubtotal: money.gt(0).nullable().default(null), combinesWith: combinesWithSchema })
      .nullable()
      .default(null),
  })
  .strict();

export type TierPerks = z.infer<typeof tierPerksSchema>;

export const tierLevelSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,50}$/, "lowercase letters, digits, _ and - only"),
  name: z.string().min(1).max(60),
  translations: translations({ name: z.string().min(1).max(60) }),
  /** Reached when the metric over the period is at least this (points, currency units or orders). */
  threshold: z.number().min(0).max(MAX_MONEY),
  /** Points on orders are multiplied by this while in the tier. */
  earnMultiplier: z.number().min(1).max(10).default(1),
  /** Given once, the first time a member reaches the tier. */
  entryBonusPoints: points.default(0),
  /** Absent: no perks (older programs and most tiers). */
  perks: tierPerksSchema.optional(),
});

export const tiersSchema = z
  .object({
    metric: z.enum(["points_earned", "amount_spent", "orders_placed"]).default("points_earned"),
    period: z.enum(["lifetime", "calendar_year", "rolling_12_months"]).default("lifetime"),
    /** through_next_period: a member who falls below keeps the tier until the end of the next period. */
    retention: z.enum(["none", "through_next_period"]).default("through_next_period"),
    /** Whether a refund that drops the member below the threshold demotes them at once. */
    refundsDemote: z.boolean().default(false),
    /** Members carry the customer tag `<prefix><tier name>` in Shopify, for segments and discounts. */
    tagPrefix: z.string().max(40).default("Tally "),
    levels: z.array(tierLevelSchema).max(MAX_TIERS).default([]),
  })
  .superRefine((tiers, ctx) => {
    tiers.levels.forEach((level, index) => {
      const previous = tiers.levels[index - 1];
      if (previous && level.threshold <= previous.threshold) {
        ctx.addIssue({
          code: "custom",
          path: ["levels", index, "threshold"],
          message: "thresholds must increase from one tier to the next",
        });
      }
      if (tiers.levels.findIndex((other) => other.id === level.id) !== index) {
        ctx.addIssue({ code: "custom", path: ["levels", index, "id"], message: `duplicate tier id "${level.id}"` });
      }
    });
  });

export type Tiers = z.infer<typeof tiersSchema>;

/** The customer tag a tier's members carry in Shopify (`<prefix><tier name>`; the member sync keeps it). */
export const tierTag = (program: Pick<Program, "tiers">, level: Pick<TierLevel, "name">) =>
  `${program.tiers.tagPrefix}${level.name}`;

/** Whether any tier (or the paid membership) gives a perk at checkout (Shopify then needs segments and automatic discounts). */
export const hasTierPerks = (program: Pick<Program, "tiers"> & { membership?: Membership }) =>
  [
    ...program.tiers.levels.map((level) => level.perks),
    program.membership?.enabled && program.membership.perks.discounts,
  ].some((perks) => Boolean(perks && (perks.percentageOff || perks.freeShipping)));
export type TierLevel = z.infer<typeof tierLevelSchema>;

export const expirySchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("never") }),
  /** Every point expires this many days after it was earned. */
  z.object({
    mode: z.literal("fixed"),
    days: z.number().int().min(1).max(3650),
    remindDaysBefore: z.array(nonNegativeInt.max(3650)).max(10).default([30]),
  }),
  /** All of a member's points expire after this many days without earning. */
  z.object({
    mode: z.literal("inactivity"),
    days: z.number().int().min(1).max(3650),
    remindDaysBefore: z.array(nonNegativeInt.max(3650)).max(10).default([30]),
  }),
]);

/** Each fraud check can be turned off; what it does when it fires (block or hold) is fixed. */
export const referralFraudSchema = z.object({
  selfReferral: z.boolean().default(true),
  existingCustomer: z.boolean().default(true),
  disposableEmail: z.boolean().default(true),
  velocity: z
    .object({
      enabled: z.boolean().default(true),
      maxReferrals: z.number().int().min(1).max(1_000_000).default(5),
      windowHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 90)
        .default(24),
    })
    .default({ enabled: true, maxReferrals: 5, windowHours: 24 }),
});

export const referralsSchema = z.object({
  enabled: z.boolean().default(false),
  /** What the referrer gets once the friend's first order qualifies: points, or a reward's code. */
  referrerReward: z
    .discriminatedUnion("type", [
      z.object({ type: z.literal("points"), points: positivePoints }),
      z.object({ type: z.literal("reward"), rewardId: z.string().min(1).max(50) }),
    ])
    .default({ type: "points", points: 500 }),
  /** The friend's welcome discount, a one-time code for their first order. */
  refereeReward: z
    .discriminatedUnion("type", [
      z.object({ type: z.literal("fixed_amount"), amount: money.gt(0) }),
      z.object({ type: z.literal("percentage"), percentage: z.number().gt(0).max(100) }),
      z.object({ type: z.literal("free_shipping") }),
    ])
    .default({ type: "percentage", percentage: 10 }),
  /** Days a friend's visit through a link is remembered in their browser for attribution. */
  attributionDays: z.number().int().min(1).max(365).default(30),
  /** The friend's first paid order must reach this subtotal. */
  minimumOrder: money.default(0),
  /** Days the first order must survive (returns window) before the referrer is rewarded. */
  holdDays: z.number().int().min(0).max(365).default(30),
  /** Rewards one referrer can earn per calendar month; null for no cap. */
  monthlyCapPerReferrer: z.number().int().min(1).max(10_000).nullable().default(10),
  fraud: referralFraudSchema.default(referralFraudSchema.parse({})),
});

export type Referrals = z.infer<typeof referralsSchema>;

/**
 * The built-in badge icons (app/loyalty/engagement and the storefront draw them; no uploads). A
 * challenge or milestone names one.
 */
export const BADGE_ICONS = [
  "star",
  "trophy",
  "crown",
  "medal",
  "flame",
  "heart",
  "gift",
  "rocket",
  "leaf",
  "diamond",
  "comeback",
  "sparkles",
] as const;
export type BadgeIcon = (typeof BADGE_ICONS)[number];
const badgeIcon = z.enum(BADGE_ICONS);
const slug = z.string().regex(/^[a-z0-9_-]{1,50}$/, "lowercase letters, digits, _ and - only");
const goalCount = z.number().int().min(1).max(10_000);
/** The goal must be met within this many days of its first step (null: no window). */
const withinDays = z.number().int().min(1).max(3650).nullable().default(null);

/** What a shopper does to complete a challenge. */
export const challengeGoalSchema = z.discriminatedUnion("type", [
  /** N paid orders. */
  z.object({ type: z.literal("orders"), count: goalCount, withinDays }),
  /** Spend this amount (the shop's currency, what earns points) in paid orders. */
  z.object({ type: z.literal("spend"), amount: money.gt(0), withinDays }),
  /** Buy N items from these products or collections. */
  z.object({
    type: z.literal("products"),
    productIds: ids.default([]),
    collectionIds: ids.default([]),
    count: goalCount.default(1),
    withinDays,
  }),
  /** Complete a custom action N times (any action when actionKey is null). */
  z.object({ type: z.literal("actions"), actionKey: slug.nullable().default(null), count: goalCount, withinDays }),
  /** N friends referred whose referral was rewarded. */
  z.object({ type: z.literal("referrals"), count: goalCount, withinDays }),
  /** A paid order in each of `count` consecutive weeks (ISO, Monday first) or calendar months, UTC. */
  z.object({ type: z.literal("streak"), period: z.enum(["week", "month"]), count: z.number().int().min(2).max(104) }),
]);
export type ChallengeGoal = z.infer<typeof challengeGoalSchema>;

/** What completing a challenge gives: points, or a catalog reward at no cost. */
const engagementRewardSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("points"), points: positivePoints }),
  z.object({ type: z.literal("reward"), rewardId }),
]);

export const challengeSchema = z
  .object({
    id: slug,
    name: z.string().min(1).max(100),
    description: z.string().max(300).default(""),
    translations: translations({ name: z.string().min(1).max(100), description: z.string().max(300).optional() }),
    goal: challengeGoalSchema,
    reward: engagementRewardSchema.nullable().default(null),
    /** The badge the member earns with it (null: none). */
    badge: badgeIcon.nullable().default(null),
    startsAt: z.iso.datetime({ offset: true }).nullable().default(null),
    endsAt: z.iso.datetime({ offset: true }).nullable().default(null),
    /** Whether a member can complete it again (a new cycle starts after each completion). */
    repeatable: z.boolean().default(false),
    /** Only members of these tiers take part (empty: every member). */
    tierIds: z.array(id).max(MAX_TIERS).default([]),
  })
  .refine((c) => !c.startsAt || !c.endsAt || Date.parse(c.endsAt) > Date.parse(c.startsAt), {
    message: "endsAt must be after startsAt",
    path: ["endsAt"],
  });
export type Challenge = z.infer<typeof challengeSchema>;

/** A badge for a milestone the member reaches (no challenge to join). */
export const milestoneSchema = z.object({
  id: slug,
  name: z.string().min(1).max(100),
  translations: translations({ name: z.string().min(1).max(100) }),
  metric: z.enum(["lifetime_points", "orders", "membership_years"]),
  threshold: z.number().int().min(1).max(MAX_POINTS),
  badge: badgeIcon,
});
export type Milestone = z.infer<typeof milestoneSchema>;

export const engagementSchema = z
  .object({
    challenges: z.array(challengeSchema).max(50).default([]),
    milestones: z.array(milestoneSchema).max(50).default([]),
    /** Points earned this month, shoppers who opt in only (off by default for each shopper). */
    leaderboard: z
      .object({ enabled: z.boolean().default(false), size: z.number().int().min(3).max(50).default(10) })
      .strict()
      .default({ enabled: false, size: 10 }),
  })
  .strict();
export type Engagement = z.infer<typeof engagementSchema>;

/** Personal offers Tally makes on its own (app/loyalty/offers). */
export const offersSchema = z
  .object({
    /** Members without an order for `inactiveDays` earn `multiplier`× on orders for `durationDays`. */
    winBack: z
      .object({
        enabled: z.boolean().default(false),
        inactiveDays: z.number().int().min(7).max(3650).default(90),
        multiplier: z.number().gt(1).max(10).default(2),
        durationDays: z.number().int().min(1).max(365).default(14),
      })
      .strict()
      .default({ enabled: false, inactiveDays: 90, multiplier: 2, durationDays: 14 }),
  })
  .strict();
export type Offers = z.infer<typeof offersSchema>;

/** A plan of the paid membership: a Shopify product variant bought once or renewed by any subscription app. */
export const membershipPlanSchema = z.object({
  id: slug,
  name: z.string().min(1).max(60),
  translations: translations({ name: z.string().min(1).max(60) }),
  /** Each paid order of the plan's variant adds `intervalCount` intervals. */
  interval: z.enum(["month", "year"]),
  intervalCount: z.number().int().min(1).max(36).default(1),
  /** What the variant sells for, in the shop's currency (shown in the offer). */
  price: money.gt(0),
  /** The Shopify product variant (numeric id); null until Tally creates the product or the merchant picks one. */
  variantId: z
    .string()
    .regex(/^[0-9]{1,20}$/, "a product variant's numeric id")
    .nullable()
    .default(null),
  /** The variant's product's handle: the customer account links to /products/<handle>?variant=<id>. */
  productHandle: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,254}$/, "a product handle")
    .nullable()
    .default(null),
});
export type MembershipPlan = z.infer<typeof membershipPlanSchema>;

/**
 * The paid membership (a Prime-style tier shoppers buy, app/loyalty/membership): its plans, the
 * grace after a lapse, and its perks. Paid status stands beside the earned VIP tier.
 */
export const membershipSchema = z
  .object({
    enabled: z.boolean().default(false),
    name: z.string().min(1).max(60).default("Members' club"),
    translations: translations({ name: z.string().min(1).max(60) }),
    plans: z.array(membershipPlanSchema).max(10).default([]),
    /** Days after `paidThrough` before a membership not renewed ends (a renewal within them continues it). */
    graceDays: z.number().int().min(0).max(90).default(7),
    /** Flow's "membership ending soon" fires this many days before `paidThrough`. */
    endingSoonDays: z.number().int().min(1).max(60).default(7),
    perks: z
      .object({
        /** Points on orders are multiplied by this while a member. */
        earnMultiplier: z.number().min(1).max(10).default(1),
        /** Whether it multiplies with the VIP tier's multiplier; otherwise the higher of the two applies. */
        stacksWithTier: z.boolean().default(false),
        joinBonusPoints: points.default(0),
        renewalBonusPoints: points.default(0),
        /** Automatic discounts for members only (as a tier's perks: segment-scoped). */
        discounts: tierPerksSchema.optional(),
        /** The customer tag members carry in Shopify (themes use it for early access). */
        tag: z.string().min(1).max(40).default("Tally member"),
      })
      .strict()
      .default({
        earnMultiplier: 1,
        stacksWithTier: false,
        joinBonusPoints: 0,
        renewalBonusPoints: 0,
        tag: "Tally member",
      }),
  })
  .strict()
  .superRefine((membership, ctx) => {
    const ids = membership.plans.map((plan) => plan.id);
    const variants = membership.plans.flatMap((plan) => plan.variantId ?? []);
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index)
        ctx.addIssue({ code: "custom", path: ["plans", index, "id"], message: `duplicate plan id "${id}"` });
    });
    variants.forEach((variant, index) => {
      if (variants.indexOf(variant) !== index)
        ctx.addIssue({ code: "custom", path: ["plans"], message: `variant ${variant} sells two plans` });
    });
  });
export type Membership = z.infer<typeof membershipSchema>;

/** One option of a choice question (its id is what an answer names). */
const surveyOptionSchema = z.object({
  id: slug,
  label: z.string().min(1).max(100),
  translations: translations({ label: z.string().min(1).max(100) }),
});
const surveyQuestionCommon = {
  id: slug,
  text: z.string().min(1).max(200),
  translations: translations({ text: z.string().min(1).max(200) }),
};
/** A survey's question beside its NPS: single or multiple choice, a 1–5 rating, or short text. */
export const surveyQuestionSchema = z.discriminatedUnion("type", [
  z.object({
    ...surveyQuestionCommon,
    type: z.literal("single_choice"),
    options: z.array(surveyOptionSchema).min(2).max(10),
  }),
  z.object({
    ...surveyQuestionCommon,
    type: z.literal("multiple_choice"),
    options: z.array(surveyOptionSchema).min(2).max(10),
  }),
  z.object({ ...surveyQuestionCommon, type: z.literal("rating") }),
  z.object({ ...surveyQuestionCommon, type: z.literal("text") }),
]);
export type SurveyQuestion = z.infer<typeof surveyQuestionSchema>;

/**
 * A post-purchase survey (app/loyalty/surveys, docs/surveys.md): a Net Promoter question (0–10 and
 * an optional comment) and up to three more, asked after the orders it picks, for points (members).
 */
export const surveySchema = z
  .object({
    id: slug,
    name: z.string().min(1).max(100),
    enabled: z.boolean().default(true),
    /** "{shop}" is replaced with the shop's name. */
    nps: z
      .object({
        text: z.string().min(1).max(200).default("How likely are you to recommend {shop}?"),
        translations: translations({ text: z.string().min(1).max(200) }),
        comment: z.boolean().default(true),
      })
      .strict()
      .default({ text: "How likely are you to recommend {shop}?", comment: true }),
    questions: z.array(surveyQuestionSchema).max(3).default([]),
    /** Points for a member's answer, once per order. */
    points: points.default(0),
    startsAt: z.iso.datetime({ offset: true }).nullable().default(null),
    endsAt: z.iso.datetime({ offset: true }).nullable().default(null),
    /** Which orders ask: all, a customer's first, or every nth of theirs. */
    orders: z
      .object({
        mode: z.enum(["all", "first", "every_nth"]).default("all"),
        n: z.number().int().min(2).max(100).default(2),
      })
      .strict()
      .default({ mode: "all", n: 2 }),
  })
  .strict()
  .refine((survey) => !survey.startsAt || !survey.endsAt || Date.parse(survey.endsAt) > Date.parse(survey.startsAt), {
    message: "endsAt must be after startsAt",
    path: ["endsAt"],
  })
  .refine((survey) => new Set(survey.questions.map((question) => question.id)).size === survey.questions.length, {
    message: "question ids must be unique",
    path: ["questions"],
  });
export type Survey = z.infer<typeof surveySchema>;

/** A cause shoppers give to (app/loyalty/giving, docs/giving.md): shown while its dates run. */
export const causeSchema = z
  .object({
    id: slug,
    name: z.string().min(1).max(60),
    description: z.string().max(300).default(""),
    url: httpsLink.nullable().default(null),
    translations: translations({ name: z.string().min(1).max(60), description: z.string().max(300) }),
    startsAt: z.iso.datetime({ offset: true }).nullable().default(null),
    endsAt: z.iso.datetime({ offset: true }).nullable().default(null),
  })
  .strict()
  .refine((cause) => !cause.startsAt || !cause.endsAt || Date.parse(cause.endsAt) > Date.parse(cause.startsAt), {
    message: "endsAt must be after startsAt",
    path: ["endsAt"],
  });
export type Cause = z.infer<typeof causeSchema>;

/**
 * Giving back (app/loyalty/giving, docs/giving.md): causes, the round-up shoppers add at cart and
 * checkout (a donation product whose one variant costs one minor unit of the shop's currency, bought
 * in quantity: docs/decisions/0028), and points members give away at a rate.
 */
export const givingSchema = z
  .object({
    enabled: z.boolean().default(false),
    causes: z.array(causeSchema).max(20).default([]),
    /** The cause a donation names none of (or names one since removed) goes to. */
    defaultCauseId: slug.nullable().default(null),
    roundUp: z
      .object({
        enabled: z.boolean().default(false),
        /** To the next whole currency unit, the next 5, or one of `fixedAmounts` the shopper picks. */
        rule: z.enum(["next_unit", "next_5", "fixed"]).default("next_unit"),
        /** Whole currency units offered when the rule is "fixed". */
        fixedAmounts: z.array(z.number().int().min(1).max(1000)).min(1).max(3).default([1, 2, 5]),
        /** The donation product Tally creates and keeps (numeric ids); null until created. */
        productId: z
          .string()
          .regex(/^[0-9]{1,20}$/, "a product's numeric id")
          .nullable()
          .default(null),
        variantId: z
          .string()
          .regex(/^[0-9]{1,20}$/, "a product variant's numeric id")
          .nullable()
          .default(null),
        /** Whether Shopify charges tax on the donation (off: most donations are not taxable). */
        taxable: z.boolean().default(false),
      })
      .strict()
      .default({
        enabled: false,
        rule: "next_unit",
        fixedAmounts: [1, 2, 5],
        productId: null,
        variantId: null,
        taxable: false,
      }),
    /** Members give points to a cause in whole `step`s; `pointsPerUnit` points are worth one unit of the shop's currency. */
    points: z
      .object({
        enabled: z.boolean().default(false),
        pointsPerUnit: z.number().int().min(1).max(100_000).default(100),
        step: z.number().int().min(1).max(100_000).default(100),
      })
      .strict()
      .default({ enabled: false, pointsPerUnit: 100, step: 100 }),
    /** Points a member earns per whole currency unit donated at checkout (0: none). */
    bonusPointsPerUnit: z.number().int().min(0).max(1000).default(0),
  })
  .strict()
  .superRefine((giving, ctx) => {
    const ids = giving.causes.map((cause) => cause.id);
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index)
        ctx.addIssue({ code: "custom", path: ["causes", index, "id"], message: `duplicate cause id "${id}"` });
    });
    if (giving.defaultCauseId !== null && !ids.includes(giving.defaultCauseId))
      ctx.addIssue({ code: "custom", path: ["defaultCauseId"], message: `no cause "${giving.defaultCauseId}"` });
    if (giving.enabled && giving.causes.length && giving.defaultCauseId === null)
      ctx.addIssue({ code: "custom", path: ["defaultCauseId"], message: "choose the default cause" });
  });
export type Giving = z.infer<typeof givingSchema>;

/**
 * How the outstanding points are valued on the accounting page and its CSV (docs/accounting.md):
 * `pointValue` — `points` points are worth `amount` of the shop's currency —, or null for the
 * catalog's best money-per-point rate (liabilityBasis).
 */
/** What a program goal measures (app/loyalty/reports/goals.ts computes each over the goal's dates). */
export const GOAL_METRICS = ["repeat_rate", "redemption_rate", "member_revenue_share"] as const;

/**
 * A target the merchant sets with dates (issue 25): `target` in basis points (a percentage × 100,
 * so 35.5% is 3550), between `startsAt` and `endsAt`.
 */
export const goalSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
    metric: z.enum(GOAL_METRICS),
    target: z.number().int().min(1).max(10_000),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
  })
  .strict()
  .refine((goal) => Date.parse(goal.endsAt) > Date.parse(goal.startsAt), {
    message: "endsAt must be after startsAt",
    path: ["endsAt"],
  });
export type Goal = z.infer<typeof goalSchema>;

export const accountingSchema = z
  .object({
    pointValue: z
      .object({ points: positivePoints, amount: money.gt(0) })
      .strict()
      .nullable()
      .default(null),
    goals: z.array(goalSchema).max(10).default([]),
  })
  .strict()
  .superRefine((accounting, ctx) => {
    const ids = accounting.goals.map((goal) => goal.id);
    for (const id of ids.filter((value, index) => ids.indexOf(value) !== index))
      ctx.addIssue({ code: "custom", path: ["goals"], message: `duplicate goal id "${id}"` });
  });
export type Accounting = z.infer<typeof accountingSchema>;

/**
 * The optional holdout (issue 25, docs/roi.md): `percent` of the customers Shopify first tells Tally
 * of while it runs are kept out of the program for `days` days — the group the members are compared
 * with. Off by default: those customers earn nothing meanwhile. `startedAt` is set by the server when
 * the merchant turns it on.
 */
export const holdoutSchema = z
  .object({
    enabled: z.boolean().default(false),
    percent: z.number().int().min(1).max(50).default(10),
    days: z.number().int().min(7).max(365).default(90),
    startedAt: z.iso.datetime({ offset: true }).nullable().default(null),
  })
  .strict();
export type Holdout = z.infer<typeof holdoutSchema>;

export const programSchema = z
  .object({
    version: z.literal(1),
    enabled: z.boolean().default(true),
    earning: z
      .object({
        order: orderEarningSchema.default(orderEarningSchema.parse({})),
        bonusEvents: z.array(bonusEventSchema).max(50).default([]),
        signup: z.object({ points: points.default(0) }).default({ points: 0 }),
        /** On the member's birthday, once a year: points, and a reward from the catalog at no cost. */
        birthday: z.object({ points: points.default(0), rewardId: rewardId.optional() }).default({ points: 0 }),
        customActions: z.array(customActionSchema).max(100).default([]),
        /** Points Shopify Flow's "Award points" gives without naming an action (docs/flow.md). */
        flowActions: z
          .object({
            /** The most such points one customer gets per day (the last 24 hours); null for no limit. */
            maxPointsPerCustomerPerDay: positivePoints.nullable().default(null),
          })
          .strict()
          .default({ maxPointsPerCustomerPerDay: null }),
      })
      .strict(),
    rewards: z.array(rewardSchema).max(100).default([]),
    redemptions: z.object({ refundUnusedCodes: z.boolean().default(true) }).default({ refundUnusedCodes: true }),
    expiry: expirySchema,
    tiers: tiersSchema.default(tiersSchema.parse({})),
    referrals: referralsSchema.default(referralsSchema.parse({})),
    engagement: engagementSchema.default(engagementSchema.parse({})),
    offers: offersSchema.default(offersSchema.parse({})),
    membership: membershipSchema.default(membershipSchema.parse({})),
    surveys: z.array(surveySchema).max(10).default([]),
    giving: givingSchema.default(givingSchema.parse({})),
    accounting: accountingSchema.default({ pointValue: null, goals: [] }),
    holdout: holdoutSchema.default(holdoutSchema.parse({})),
  })
  .strict()
  .superRefine((program, ctx) => {
    const duplicates = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);
    for (const key of duplicates(program.earning.customActions.map((a) => a.key))) {
      ctx.addIssue({ code: "custom", path: ["earning", "customActions"], message: `duplicate action key "${key}"` });
    }
    program.earning.customActions.forEach((action, index) => {
      const path = ["earning", "customActions", index];
      if (action.claimable && action.verifiedBy !== null)
        ctx.addIssue({
          code: "custom",
          path: [...path, "verifiedBy"],
          message: "an action is either claimed by shoppers or verified by Tally, not both",
        });
      if (action.claimable && action.url === null)
        ctx.addIssue({ code: "custom", path: [...path, "url"], message: "a claimable action needs a link" });
    });
    for (const rewardId of duplicates(program.rewards.map((r) => r.id))) {
      ctx.addIssue({ code: "custom", path: ["rewards"], message: `duplicate reward id "${rewardId}"` });
    }
    const highestRate = pointsPerUnitAtMost(program);
    if (highestRate > MAX_POINTS_PER_UNIT) {
      ctx.addIssue({
        code: "custom",
        path: ["earning", "order", "pointsPerCurrencyUnit"],
        message: `with every multiplier applied an order could earn ${highestRate} points per currency unit; at most ${MAX_POINTS_PER_UNIT}`,
      });
    }
    const givenReward = (rewardId: string, path: string[], what: string) => {
      const reward = program.rewards.find((candidate) => candidate.id === rewardId);
      if (!reward) ctx.addIssue({ code: "custom", path, message: `no reward "${rewardId}" in the program` });
      else if (!canBeGiven(reward))
        ctx.addIssue({ code: "custom", path, message: `a store credit reward cannot be ${what}` });
    };
    const birthdayReward = program.earning.birthday.rewardId;
    if (birthdayReward !== undefined) {
      givenReward(birthdayReward, ["earning", "birthday", "rewardId"], "a birthday reward");
    }
    for (const id of duplicates(program.engagement.challenges.map((c) => c.id))) {
      ctx.addIssue({ code: "custom", path: ["engagement", "challenges"], message: `duplicate challenge id "${id}"` });
    }
    for (const id of duplicates(program.engagement.milestones.map((m) => m.id))) {
      ctx.addIssue({ code: "custom", path: ["engagement", "milestones"], message: `duplicate milestone id "${id}"` });
    }
    program.engagement.challenges.forEach((challenge, index) => {
      if (challenge.reward?.type === "reward") {
        givenReward(
          challenge.reward.rewardId,
          ["engagement", "challenges", String(index), "reward", "rewardId"],
          "a challenge prize",
        );
      }
    });
    const referrerReward = program.referrals.referrerReward;
    if (referrerReward.type === "reward") {
      givenReward(referrerReward.rewardId, ["referrals", "referrerReward", "rewardId"], "a referral prize");
    }
  });

export type Program = z.infer<typeof programSchema>;

/**
 * Whether a reward can be given (a birthday present, a referral prize): those are codes made for
 * the member, while store credit is points the shopper chooses to convert.
 */
export const canBeGiven = (reward: Reward) => reward.type !== "store_credit";

/** The most points one currency unit can earn: the rate with the highest product, bonus, tier, win-back and membership multipliers together. */
export function pointsPerUnitAtMost(program: Pick<Program, "earning" | "tiers" | "offers" | "membership">): number {
  const highest = (values: number[]) => Math.max(1, ...values);
  const winBack = program.offers.winBack;
  return (
    program.earning.order.pointsPerCurrencyUnit *
    (winBack.enabled ? winBack.multiplier : 1) *
    program.membership.perks.earnMultiplier *
    highest(program.earning.order.productRules.map((rule) => rule.multiplier)) *
    highest(program.earning.bonusEvents.map((event) => event.multiplier)) *
    highest(program.tiers.levels.map((level) => level.earnMultiplier))
  );
}
export type OrderEarning = Program["earning"]["order"];

/** What a newly installed shop starts with (issue 3's defaults). */
export function defaultProgram(): Program {
  return programSchema.parse({
    version: 1,
    earning: {
      order: { pointsPerCurrencyUnit: 1, rounding: "floor", minimumSubtotal: 0, holdDays: 0 },
      signup: { points: 0 },
    },
    rewards: [{ id: "five-off", name: "5 off", type: "fixed_amount", pointsCost: 500, amount: 5 }],
    expiry: { mode: "inactivity", days: 365, remindDaysBefore: [30] },
  });
}

export interface ProgramIssue {
  path: string;
  message: string;
}

export type ProgramParse = { ok: true; program: Program } | { ok: false; issues: ProgramIssue[] };

export function parseProgram(input: unknown): ProgramParse {
  const bytes = new TextEncoder().encode(JSON.stringify(input) ?? "").length;
  if (bytes > MAX_PROGRAM_BYTES) {
    return {
      ok: false,
      issues: [
        { path: "", message: `the program is ${Math.ceil(bytes / 1024)} KB; at most ${MAX_PROGRAM_BYTES / 1024} KB` },
      ],
    };
  }
  const result = programSchema.safeParse(input);
  if (result.success) return { ok: true, program: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
  };
}

/** A reward's or tier's name as a shopper reading `language` sees it: the merchant's translation, else the default. */
export function nameIn(
  item: { name: string; translations?: Partial<Record<ShopperLanguage, { name: string }>> },
  language: ShopperLanguage,
): string {
  return item.translations?.[language]?.name ?? item.name;
}
