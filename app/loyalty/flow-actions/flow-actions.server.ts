import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { fromBigInt } from "~/db/bigint";
import { NOW_UTC } from "~/db/clock.server";
import { rows } from "~/db/rows";
import { inTransaction } from "~/db/transaction.server";
import { awardAction } from "~/loyalty/actions/actions.server";
import { credit, debit, entryExists, lockMember, lockMemberForCustomer, type Tx } from "~/loyalty/points/ledger.server";
import { matchLanguage } from "~/language-match";
import type { ShopperLanguage } from "~/languages";
import { canBeGiven } from "~/loyalty/program/program";
import { expiresAtFor, type LoadedShop } from "~/loyalty/program/program.server";
import { grantReward, grantStoreCredit } from "~/loyalty/rewards/redemptions.server";
import { compMemberTier, evaluateMemberTier } from "~/loyalty/tiers/tiers.server";
import { shopperText } from "~/shopper-text/shopper-text";
import {
  overDailyFlowLimit,
  parseAwardPoints,
  parseDeductPoints,
  parseGrantReward,
  parseSetTier,
  type AwardPoints,
  type DeductPoints,
  type FlowActionName,
  type FlowMessage,
  type FlowMessageKey,
  type GrantReward,
  type Parsed,
  type SetTier,
} from "./flow-actions";

/**
 * What Tally answers Flow. Flow takes a 200 as done; any 4xx other than 429 as a failure it does
 * not resend, showing the merchant the body (`message` says what to fix); 5xx and timeouts are
 * resent, under the same action run id.
 */
export interface FlowActionOutcome {
  status: 200 | 400 | 409 | 422;
  body: { message: string; error?: string } & Record<string, unknown>;
}

export interface FlowActionRunInput {
  action: FlowActionName;
  handle: string;
  /** Flow's `action_run_id`: a resent run is done once. */
  runId: string;
  properties: Record<string, unknown>;
  now: Date;
}

/** A refusal thrown inside the transaction, so that nothing it wrote (not even the run) stays. */
class Refusal extends Error {
  constructor(readonly outcome: FlowActionOutcome) {
    super(outcome.body.message);
  }
}

/** Says a message in the shop's language (app/shopper-text/<lang>.json, section `flowActions`), numbers as it writes them. */
type Tell = (key: FlowMessageKey, values?: FlowMessage["values"]) => string;

function teller(language: ShopperLanguage): Tell {
  const t = shopperText(language, "flowActions");
  const number = new Intl.NumberFormat(language);
  return (key, values = {}) =>
    t(
      key,
      Object.fromEntries(
        Object.entries(values).map(([name, value]) => [name, typeof value === "number" ? number.format(value) : value]),
      ),
    );
}

const refuse = (status: FlowActionOutcome["status"], error: string, message: string): never => {
  throw new Refusal({ status, body: { error, message } });
};
const done = (message: string, details: Record<string, unknown> = {}): FlowActionOutcome => ({
  status: 200,
  body: { message, ...details },
});
const alreadyDone = (tell: Tell) => done(tell("alreadyDone"), { duplicate: true });

/** The shop's language, as its Flow texts are written in (Shop.language, learned at install). */
async function shopLanguage(db: PrismaClient, shopId: string): Promise<ShopperLanguage> {
  const [row] = await db.$queryRaw<{ language: string }[]>`SELECT language FROM "Shop" WHERE id = ${shopId}`;
  return matchLanguage(row?.language ?? "en");
}

/**
 * Carries out one Flow action run for an installed shop, at most once per `action_run_id`: the
 * run is recorded in the transaction that does the work (a resent or concurrent delivery of it
 * waits for that transaction and then finds it), every ledger entry is keyed `flow:<run id>`,
 * and a refused run writes nothing, not even the member.
 */
export async function runFlowAction(
  db: PrismaClient,
  shop: LoadedShop,
  run: FlowActionRunInput,
): Promise<FlowActionOutcome> {
  const tell = teller(await shopLanguage(db, shop.id));
  if (!shop.program.enabled) {
    return { status: 409, body: { error: "program_disabled", message: tell("programDisabled") } };
  }
  const parsed = parse(shop, run);
  if (!parsed.ok) {
    return {
      status: 400,
      body: { error: "invalid_properties", message: tell(parsed.message.key, parsed.message.values) },
    };
  }
  try {
    return await inTransaction(db, async (tx) => {
      if (!(await recordRun(tx, shop.id, run))) return alreadyDone(tell);
      const input = parsed.value;
      switch (run.action) {
        case "awardPoints":
          return awardPoints(tx, shop, input as AwardPoints, run, tell);
        case "deductPoints":
          return deductPoints(tx, shop, input as DeductPoints, run, tell);
        case "grantReward":
          return giveReward(tx, shop, input as GrantReward, run, tell);
        case "setTier":
          return setTier(tx, shop, input as SetTier, run, tell);
      }
    });
  } catch (error) {
    if (error instanceof Refusal) return error.outcome;
    throw error;
  }
}

function parse(shop: LoadedShop, run: FlowActionRunInput): Parsed<AwardPoints | DeductPoints | GrantReward | SetTier> {
  switch (run.action) {
    case "awardPoints":
      return parseAwardPoints(run.properties, shop.program);
    case "deductPoints":
      return parseDeductPoints(run.properties);
    case "grantReward":
      return parseGrantReward(run.properties, shop.program);
    case "setTier":
      return parseSetTier(run.properties, shop.program, run.now);
  }
}

/** The run, recorded once: false when it already was (a concurrent delivery waits here for the first). */
async function recordRun(tx: Tx, shopId: string, run: FlowActionRunInput): Promise<boolean> {
  const inserted = await tx.$queryRaw<unknown[]>`
    INSERT INTO "FlowActionRun" (id, "shopId", "runId", handle, "createdAt")
    VALUES (gen_random_uuid()::text, ${shopId}, ${run.runId}, ${run.handle}, ${NOW_UTC})
    ON CONFLICT ("shopId", "runId") DO NOTHING
    RETURNING id`;
  return inserted.length > 0;
}

const ledgerKey = (run: FlowActionRunInput) => `flow:${run.runId}`;

/** Points free-form Flow awards gave the member in the last 24 hours (the database's clock). */
async function flowPointsToday(tx: Tx, memberId: string): Promise<number> {
  const [row] = rows(
    z.object({ points: z.bigint() }),
    await tx.$queryRaw`
      SELECT COALESCE(SUM(delta + "pendingDelta"), 0)::bigint AS points FROM "LedgerEntry"
       WHERE "memberId" = ${memberId} AND kind = 'bonus' AND "sourceType" = 'flow'
         AND "createdAt" > ${NOW_UTC} - interval '1 day'`,
  );
  return fromBigInt(row!.points);
}

async function awardPoints(
  tx: Tx,
  shop: LoadedShop,
  input: AwardPoints,
  run: FlowActionRunInput,
  tell: Tell,
): Promise<FlowActionOutcome> {
  if (input.kind === "action") {
    const result = await awardAction(tx, shop, {
      customerId: input.customerId,
      actionKey: input.actionKey,
      eventId: run.runId,
      now: run.now,
    });
    switch (result.status) {
      case "awarded":
      case "duplicate":
        return done(
          tell("awardedAction", { points: result.points, action: input.actionKey, balance: result.balance }),
          {
            points: result.points,
            balance: result.balance,
          },
        );
      case "limit_reached":
        return refuse(422, "limit_reached", tell("actionLimit", { action: input.actionKey }));
      case "unknown_action":
        return refuse(400, "invalid_properties", tell("noActions", { action: input.actionKey }));
      case "program_disabled":
        return refuse(409, "program_disabled", tell("programDisabled"));
    }
  }
  const member = await lockMemberForCustomer(tx, shop.id, input.customerId);
  const key = ledgerKey(run);
  if (await entryExists(tx, shop.id, key)) return alreadyDone(tell);
  const limit = shop.program.earning.flowActions.maxPointsPerCustomerPerDay;
  const today = limit === null ? 0 : await flowPointsToday(tx, member.id);
  if (overDailyFlowLimit(limit, today, input.points)) {
    refuse(422, "daily_limit_reached", tell("dailyLimit", { today, limit: limit!, points: input.points }));
  }
  await credit(tx, member, {
    key,
    kind: "bonus",
    points: input.points,
    now: run.now,
    availableAt: run.now,
    expiresAt: expiresAtFor(shop.program, run.now),
    activityAt: run.now,
    source: "flow",
    sourceType: "flow",
    sourceId: run.runId,
    reason: input.reason,
  });
  await evaluateMemberTier(tx, shop, member, run.now, "earn");
  return done(tell("awarded", { points: input.points, balance: member.balance }), {
    points: input.points,
    balance: member.balance,
  });
}

async function deductPoints(
  tx: Tx,
  shop: LoadedShop,
  input: DeductPoints,
  run: FlowActionRunInput,
  tell: Tell,
): Promise<FlowActionOutcome> {
  // Looked up, not created: a customer Tally has never seen has nothing to deduct.
  const known = await tx.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId: shop.id, shopifyCustomerId: input.customerId } },
    select: { id: true },
  });
  const member = known && (await lockMember(tx, known.id));
  if (member && (await entryExists(tx, shop.id, ledgerKey(run)))) return alreadyDone(tell);
  const balance = member?.balance ?? 0;
  if (!member || balance < input.points) {
    return refuse(422, "insufficient_points", tell("insufficient", { balance, points: input.points }));
  }
  await debit(tx, member, {
    key: ledgerKey(run),
    kind: "adjust",
    points: input.points,
    now: run.now,
    includePending: false,
    sourceType: "flow",
    sourceId: run.runId,
    reason: input.reason,
  });
  return done(tell("deducted", { points: input.points, balance: member.balance }), {
    points: input.points,
    balance: member.balance,
  });
}

/**
 * A reward of the catalog at no cost, by the path birthday presents and referral prizes take
 * (grantReward: a code made by the outbox). Store credit too, which those cannot give: Flow's
 * run is the merchant's explicit decision and learns at once when Shopify's store credit is off.
 */
async function giveReward(
  tx: Tx,
  shop: LoadedShop,
  input: GrantReward,
  run: FlowActionRunInput,
  tell: Tell,
): Promise<FlowActionOutcome> {
  const reward = shop.program.rewards.find((candidate) => candidate.id === input.rewardId)!;
  const member = await lockMemberForCustomer(tx, shop.id, input.customerId);
  const requestKey = ledgerKey(run);
  if (canBeGiven(reward)) {
    const redemption = await grantReward(tx, shop, member.id, reward, requestKey, run.now);
    return done(tell("gaveCode", { reward: reward.name, code: redemption.code }), {
      redemptionId: redemption.id,
      code: redemption.code,
    });
  }
  const granted = await grantStoreCredit(tx, shop, member.id, reward, requestKey, run.now);
  if (granted.status === "unavailable") {
    return refuse(
      422,
      "store_credit_unavailable",
      tell(granted.reason === "store_credit_disabled" ? "storeCreditOff" : "noCurrency"),
    );
  }
  return done(tell("gaveCredit", { reward: reward.name }), {
    redemptionId: granted.redemption.id,
  });
}

async function setTier(
  tx: Tx,
  shop: LoadedShop,
  input: SetTier,
  run: FlowActionRunInput,
  tell: Tell,
): Promise<FlowActionOutcome> {
  const member = await lockMemberForCustomer(tx, shop.id, input.customerId);
  await compMemberTier(tx, shop, member, { tierId: input.tier.id, until: input.until }, run.now);
  const holds = shop.program.tiers.levels.find((level) => level.id === member.tierId);
  const iso = input.until.toISOString();
  // A comp to a date ends at the midnight after it: say that date, "through" it.
  const throughDay = iso.endsWith("T00:00:00.000Z");
  return done(
    tell(throughDay ? "compThrough" : "compUntil", {
      tier: input.tier.name,
      date: throughDay ? new Date(input.until.getTime() - 86_400_000).toISOString().slice(0, 10) : iso,
      holds: holds?.name ?? tell("noTier"),
    }),
    { tierId: member.tierId, compTierId: input.tier.id, until: input.until.toISOString() },
  );
}
