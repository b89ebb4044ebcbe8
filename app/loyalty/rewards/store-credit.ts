import type { Reward } from "~/loyalty/program/program";
import { minorUnitDigits } from "~/money/currency";
import { rescaleMinorUnits, toMinorUnits } from "~/money/money";

type StoreCreditReward = Extract<Reward, { type: "store_credit" }>;

const DAY_MS = 86_400_000;

/**
 * What `points` of a store credit reward credit, in minor units of the shop's currency: the
 * steps bought × the step's amount, exact in thousandths (program amounts have at most two
 * decimals), then rounded half up once to the currency's minor unit (1.50 a step buys 2 yen).
 */
export function storeCreditMinorUnits(reward: StoreCreditReward, points: number, currencyCode: string): bigint {
  const steps = BigInt(points / reward.pointsPerStep);
  const stepThousandths = toMinorUnits(reward.amountPerStep.toFixed(2), 3);
  if (stepThousandths === null) throw new Error(`not an amount: ${reward.amountPerStep}`);
  return rescaleMinorUnits(steps * stepThousandths, 3, minorUnitDigits(currencyCode));
}

/** When a credit given at `at` expires: the reward's days later, or never. */
export function creditExpiresAt(reward: StoreCreditReward, at: Date): Date | null {
  return reward.creditExpiryDays === null ? null : new Date(at.getTime() + reward.creditExpiryDays * DAY_MS);
}
