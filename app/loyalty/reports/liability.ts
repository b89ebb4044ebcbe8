import type { Program } from "~/loyalty/program/program";
import { minorUnitDigits } from "~/money/currency";
import { toMinorUnits } from "~/money/money";

/**
 * The reward the outstanding points are valued at: "`points` points = `amountMinorUnits` off".
 * Only rewards with a fixed money value give one (fixed_amount, and a variable "pay with points"
 * or store credit reward's step); percentage, free shipping and free product rewards depend on the cart.
 */
export interface LiabilityBasis {
  rewardId: string;
  rewardName: string;
  points: number;
  /** In minor units of the shop's currency. */
  amountMinorUnits: number;
}

/**
 * The best amount-off rate of the catalog: valuing every point at the most the shop could have to
 * give is the prudent way to state a debt. Equal rates go to the reward with fewer points, then
 * to the smaller id, so the basis does not move when the catalog is reordered or a reward with the
 * same rate is added. Null when no reward has a money value.
 */
export function liabilityBasis(program: Program, currencyCode: string | null): LiabilityBasis | null {
  const digits = minorUnitDigits(currencyCode);
  const candidates = program.rewards.flatMap((reward): LiabilityBasis[] => {
    const price =
      reward.type === "fixed_amount"
        ? { points: reward.pointsCost, amount: reward.amount }
        : reward.type === "variable" || reward.type === "store_credit"
          ? { points: reward.pointsPerStep, amount: reward.amountPerStep }
          : null;
    if (!price) return [];
    // Program amounts are decimals of at most two places: their text is exact.
    const amountMinorUnits = Number(toMinorUnits(price.amount.toFixed(2), digits));
    return [{ rewardId: reward.id, rewardName: reward.name, points: price.points, amountMinorUnits }];
  });
  return candidates.sort(byBestRate)[0] ?? null;
}

/** Best rate first (compared exactly: a/p > b/q ⇔ a·q > b·p), then fewer points, then the id. */
function byBestRate(one: LiabilityBasis, other: LiabilityBasis): number {
  const rate =
    BigInt(other.amountMinorUnits) * BigInt(one.points) - BigInt(one.amountMinorUnits) * BigInt(other.points);
  if (rate !== 0n) return rate > 0n ? 1 : -1;
  return one.points - other.points || (one.rewardId < other.rewardId ? -1 : one.rewardId > other.rewardId ? 1 : 0);
}

/** What `points` are worth at the basis, in minor units: points × amount ÷ points of the reward, rounded half up once. */
export function liabilityMinorUnits(
  points: number,
  basis: Pick<LiabilityBasis, "points" | "amountMinorUnits">,
): number {
  const numerator = 2n * BigInt(points) * BigInt(basis.amountMinorUnits) + BigInt(basis.points);
  return Number(numerator / (2n * BigInt(basis.points)));
}
