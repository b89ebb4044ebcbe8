import { MAX_ADJUSTMENT } from "~/loyalty/members/adjustments";
import type { ShopperCatalogue } from "~/shopper-text/shopper-text";
import type { Program, TierLevel } from "~/loyalty/program/program";

/**
 * Shopify Flow's actions on Tally: pure rules. Each is a `flow_action` extension
 * (extensions/<handle>/shopify.extension.toml) whose runtime URL is /flow/actions/<handle>; Flow
 * posts `{ shop_id, shopify_domain, action_run_id, action_definition_id, handle, properties }`,
 * where `properties` holds the fields of the TOML by their `key` (a customer reference as
 * `customer_id`). docs/flow.md tells merchants what each does.
 */
export const FLOW_ACTIONS = {
  awardPoints: { handle: "tally-award-points", name: "Award loyalty points" },
  deductPoints: { handle: "tally-deduct-points", name: "Deduct loyalty points" },
  grantReward: { handle: "tally-give-reward", name: "Give loyalty reward" },
  setTier: { handle: "tally-set-vip-tier", name: "Set VIP tier until date" },
} as const;

export type FlowActionName = keyof typeof FLOW_ACTIONS;

export const flowActionByHandle = (handle: string): FlowActionName | null =>
  (Object.keys(FLOW_ACTIONS) as FlowActionName[]).find((name) => FLOW_ACTIONS[name].handle === handle) ?? null;

/** The longest reason kept on a ledger entry (the shopper reads it in their activity). */
export const MAX_REASON_LENGTH = 200;
/** The furthest a comp may run: a typo in a year should not give a tier for a century. */
export const MAX_COMP_DAYS = 3660;

const DAY_MS = 86_400_000;

/**
 * What Tally tells the merchant in Flow's run log: a key of section `flowActions` of
 * app/shopper-text/<lang>.json and its values, said in the shop's language.
 */
export interface FlowMessage {
  key: FlowMessageKey;
  values?: Record<string, string | number>;
}
export type FlowMessageKey = keyof ShopperCatalogue["flowActions"];
const say = (key: FlowMessageKey, values?: FlowMessage["values"]): FlowMessage => ({ key, values });

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: FlowMessage };

type Properties = Record<string, unknown>;

/** Flow sends a field the merchant left empty as absent, null or "" (Liquid renders nothing). */
const blank = (value: unknown) => value === undefined || value === null || (typeof value === "string" && !value.trim());

/** A customer reference: Flow's numeric id, as a number or text, or the customer's GID. */
function customerId(properties: Properties): Parsed<string> {
  const value = properties.customer_id;
  const text = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;
  const match = typeof text === "string" ? /^(?:gid:\/\/shopify\/Customer\/)?(\d{1,20})$/.exec(text.trim()) : null;
  if (!match) {
    return { ok: false, message: say("customerMissing") };
  }
  return { ok: true, value: match[1]! };
}

/** Whole points from 1 to MAX_ADJUSTMENT, sent as a number or as text (Liquid renders text). */
function points(value: unknown): Parsed<number> {
  const number = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number) || number < 1 || number > MAX_ADJUSTMENT) {
    return { ok: false, message: say("pointsInvalid", { max: MAX_ADJUSTMENT }) };
  }
  return { ok: true, value: number };
}

function reason(value: unknown): Parsed<string> {
  const text = typeof value === "string" ? value.trim().replace(/\s+/g, " ") : "";
  if (!text) return { ok: false, message: say("reasonRequired") };
  if (text.length > MAX_REASON_LENGTH) return { ok: false, message: say("reasonTooLong", { max: MAX_REASON_LENGTH }) };
  return { ok: true, value: text };
}

const text = (value: unknown) => (typeof value === "string" ? value.trim() : String(value ?? "").trim());

export type AwardPoints =
  | { customerId: string; kind: "points"; points: number; reason: string }
  | { customerId: string; kind: "action"; actionKey: string };

/**
 * "Award loyalty points": Points and a Reason, or the key of one of the program's custom actions
 * (whose points and limits then apply), never both.
 */
export function parseAwardPoints(properties: Properties, program: Pick<Program, "earning">): Parsed<AwardPoints> {
  const customer = customerId(properties);
  if (!customer.ok) return customer;
  if (!blank(properties.action)) {
    const key = text(properties.action);
    if (!blank(properties.points)) {
      return {
        ok: false,
        message: say("pointsOrAction", { action: key }),
      };
    }
    const action = program.earning.customActions.find((candidate) => candidate.key === key);
    if (!action) {
      const keys = program.earning.customActions.map((candidate) => candidate.key);
      return {
        ok: false,
        message: keys.length
          ? say("unknownAction", { action: key, actions: keys.join(", ") })
          : say("noActions", { action: key }),
      };
    }
    return { ok: true, value: { customerId: customer.value, kind: "action", actionKey: key } };
  }
  const awarded = points(properties.points);
  if (!awarded.ok) return awarded;
  const why = reason(properties.reason);
  if (!why.ok) return why;
  return { ok: true, value: { customerId: customer.value, kind: "points", points: awarded.value, reason: why.value } };
}

export interface DeductPoints {
  customerId: string;
  points: number;
  reason: string;
}

/** "Deduct loyalty points": Points and a Reason. */
export function parseDeductPoints(properties: Properties): Parsed<DeductPoints> {
  const customer = customerId(properties);
  if (!customer.ok) return customer;
  const taken = points(properties.points);
  if (!taken.ok) return taken;
  const why = reason(properties.reason);
  if (!why.ok) return why;
  return { ok: true, value: { customerId: customer.value, points: taken.value, reason: why.value } };
}

export interface GrantReward {
  customerId: string;
  rewardId: string;
}

/** "Give loyalty reward": a reward of the catalog by its id. */
export function parseGrantReward(properties: Properties, program: Pick<Program, "rewards">): Parsed<GrantReward> {
  const customer = customerId(properties);
  if (!customer.ok) return customer;
  const id = text(properties.reward);
  const reward = program.rewards.find((candidate) => candidate.id === id);
  if (!reward) {
    return {
      ok: false,
      message: say("unknownReward", {
        reward: id,
        rewards: program.rewards.map((candidate) => candidate.id).join(", ") || "—",
      }),
    };
  }
  return { ok: true, value: { customerId: customer.value, rewardId: reward.id } };
}

export interface SetTier {
  customerId: string;
  tier: TierLevel;
  until: Date;
}

/**
 * When a comp given "until" this ends: a date (YYYY-MM-DD) runs through that whole day (UTC), a
 * date and time with its offset ends then. Null when it is neither.
 */
export function compEnd(value: string): Date | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) {
    const start = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    // 2027-02-30 is not a date.
    if (start.toISOString().slice(0, 10) !== value) return null;
    return new Date(start.getTime() + DAY_MS);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : new Date(at);
}

/** "Set VIP tier until date": a tier of the program (by id or name) until a future date. */
export function parseSetTier(properties: Properties, program: Pick<Program, "tiers">, now: Date): Parsed<SetTier> {
  const customer = customerId(properties);
  if (!customer.ok) return customer;
  const wanted = text(properties.tier);
  const levels = program.tiers.levels;
  const tier =
    levels.find((level) => level.id === wanted) ??
    levels.find((level) => level.name.toLowerCase() === wanted.toLowerCase());
  if (!tier) {
    return {
      ok: false,
      message: say("unknownTier", { tier: wanted, tiers: levels.map((level) => level.name).join(", ") || "—" }),
    };
  }
  const until = compEnd(text(properties.until));
  if (!until) {
    return { ok: false, message: say("untilInvalid") };
  }
  if (until <= now) return { ok: false, message: say("untilPast") };
  if (until.getTime() - now.getTime() > MAX_COMP_DAYS * DAY_MS) {
    return { ok: false, message: say("untilTooFar") };
  }
  return { ok: true, value: { customerId: customer.value, tier, until } };
}

/**
 * Whether a free-form Flow award would take the customer past the program's daily limit, given
 * what such awards gave them in the last 24 hours.
 */
export function overDailyFlowLimit(
  limit: Program["earning"]["flowActions"]["maxPointsPerCustomerPerDay"],
  awardedToday: number,
  points: number,
): boolean {
  return limit !== null && awardedToday + points > limit;
}
