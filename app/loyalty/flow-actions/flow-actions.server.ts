import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { fromBigInt } from "~/db/bigint";
import { NOW_UTC } from "~/db/clock.server";
import { rows } from "~/db/rows";
import { inTransaction } from "~/db/transaction.server";
import { awardAction } from "~/loyalty/actions/actions.server";
import { credit, debit, entryExists, lockMember, lockMemberForCustomer, type Tx } from "~/loyalty/points/ledger.server";
import { canBeGiven } from "~/loyalty/program/program";
import { expiresAtFor, type LoadedShop } from "~/loyalty/program/program.server";
import { grantReward, grantStoreCredit } from "~/loyalty/rewards/redemptions.server";
import { compMemberTier, evaluateMemberTier } from "~/loyalty/tiers/tiers.server";
import {
  overDailyFlowLimit,
  parseAwardPoints,
  parseDeductPoints,
  parseGrantReward,
  parseSetTier,
  type AwardPoints,
  type DeductPoints,
  type FlowActionName,
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

const refuse = (status: FlowActionOutcome["status"], error: string, message: string): never => {
  throw new Refusal({ status, body: { error, message } });
};
const done = (message: string, details: Record<string, unknown> = {}): FlowActionOutcome => ({
  status: 200,
  body: { message, ...details },
});
const ALREADY_DONE = done("Already done: Flow sent this action run before.", { duplicate: true });

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
  if (!shop.program.enabled) {
    return { status: 409, body: { error: "program_disabled", message: "The loyalty program is turned off in Tally." } };
  }
  const parsed = parse(shop, run);
  if (!parsed.ok) return { status: 400, body: { error: "invalid_properties", message: parsed.message } };
  try {
    return await inTransaction(db, async (tx) => {
      if (!(await recordRun(tx, shop.id, run))) return ALREADY_DONE;
      const input = parsed.value;
      switch (run.action) {
        case "awardPoints":
          return awardPoints(tx, shop, input as AwardPoints, run);
        case "deductPoints":
          return deductPoints(tx, shop, input as DeductPoints, run);
        case "grantReward":
          return giveReward(tx, shop, input as GrantReward, run);
        case "setTier":
          return setTier(tx, shop, input as SetTier, run);
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
        return done(`Awarded ${result.points} points for "${input.actionKey}". Balance: ${result.balance}.`, {
          points: result.points,
          balance: result.balance,
        });
      case "limit_reached":
        return refuse(
          422,
          "limit_reached",
          `The customer has earned "${input.actionKey}" as often as its limits allow; no points awarded.`,
        );
      case "unknown_action":
        return refuse(400, "invalid_properties", `No action "${input.actionKey}" in the program.`);
      case "program_disabled":
        return refuse(409, "program_disabled", "The loyalty program is turned off in Tally.");
    }
  }
  const member = await lockMemberForCustomer(tx, shop.id, input.customerId);
  const key = ledgerKey(run);
  if (await entryExists(tx, shop.id, key)) return ALREADY_DONE;
  const limit = shop.program.earning.flowActions.maxPointsPerCustomerPerDay;
  const today = limit === null ? 0 : await flowPointsToday(tx, member.id);
  if (overDailyFlowLimit(limit, today, input.points)) {
    refuse(
      422,
      "daily_limit_reached",
      `Daily limit reached: Flow gave this customer ${today} of at most ${limit} points in the last 24 hours; ${input.points} more would pass it.`,
    );
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
  return done(`Awarded ${input.points} points. Balance: ${member.balance}.`, {
    points: input.points,
    balance: member.balance,
  });
}

async function deductPoints(
  tx: Tx,
  shop: LoadedShop,
  input: DeductPoints,
  run: FlowActionRunInput,
): Promise<FlowActionOutcome> {
  // Looked up, not created: a customer Tally has never seen has nothing to deduct.
  const known = await tx.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId: shop.id, shopifyCustomerId: input.customerId } },
    select: { id: true },
  });
  const member = known && (await lockMember(tx, known.id));
  if (member && (await entryExists(tx, shop.id, ledgerKey(run)))) return ALREADY_DONE;
  const balance = member?.balance ?? 0;
  if (!member || balance < input.points) {
    return refuse(
      422,
      "insufficient_points",
      `The customer has ${balance} points to spend; ${input.points} cannot be deducted. Nothing was changed.`,
    );
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
  return done(`Deducted ${input.points} points. Balance: ${member.balance}.`, {
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
): Promise<FlowActionOutcome> {
  const reward = shop.program.rewards.find((candidate) => candidate.id === input.rewardId)!;
  const member = await lockMemberForCustomer(tx, shop.id, input.customerId);
  const requestKey = ledgerKey(run);
  if (canBeGiven(reward)) {
    const redemption = await grantReward(tx, shop, member.id, reward, requestKey, run.now);
    return done(`Gave "${reward.name}": discount code ${redemption.code}, created in Shopify within a minute.`, {
      redemptionId: redemption.id,
      code: redemption.code,
    });
  }
  const granted = await grantStoreCredit(tx, shop, member.id, reward, requestKey, run.now);
  if (granted.status === "unavailable") {
    return refuse(
      422,
      "store_credit_unavailable",
      granted.reason === "store_credit_disabled"
        ? "Store credit is turned off in Shopify for this shop (Settings → Customer accounts); nothing was given."
        : "Tally does not know the shop's currency yet; nothing was given. Try again in a few minutes.",
    );
  }
  return done(`Gave "${reward.name}" as store credit, added in Shopify within a minute.`, {
    redemptionId: granted.redemption.id,
  });
}

async function setTier(tx: Tx, shop: LoadedShop, input: SetTier, run: FlowActionRunInput): Promise<FlowActionOutcome> {
  const member = await lockMemberForCustomer(tx, shop.id, input.customerId);
  await compMemberTier(tx, shop, member, { tierId: input.tier.id, until: input.until }, run.now);
  const holds = shop.program.tiers.levels.find((level) => level.id === member.tierId);
  return done(
    `${input.tier.name} given ${compEndText(input.until)}; the customer now holds ${holds?.name ?? "no tier"}.`,
    { tierId: member.tierId, compTierId: input.tier.id, until: input.until.toISOString() },
  );
}

/** "through 2027-01-31 (UTC)" for a comp that ends at a midnight, else "until" its instant. */
function compEndText(until: Date): string {
  const iso = until.toISOString();
  if (!iso.endsWith("T00:00:00.000Z")) return `until ${iso}`;
  return `through ${new Date(until.getTime() - 86_400_000).toISOString().slice(0, 10)} (UTC)`;
}
