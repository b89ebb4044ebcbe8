import type { ShopperLanguage } from "~/languages";
import { isStepped, nameIn, type Program, type Reward } from "./program";

/**
 * The next best reward: of the catalog rewards the member's tier may redeem, the cheapest one
 * their balance does not reach yet ("120 points to 10 off"). A stepped reward (variable, store
 * credit) counts with its first step, minPoints. Ties go to the reward listed first. Null when the
 * program is off, has no such reward, or the balance already reaches every one.
 *
 * It sits with the program (not in offers/) because the ledger's "points earned" Flow event
 * carries it too, and the ledger is below offers.
 */
export interface NextReward {
  reward: Reward;
  /** Points the reward costs (a stepped reward's first step). */
  pointsCost: number;
  /** Points the member still needs (≥ 1). */
  remaining: number;
}

/** What a reward costs at least: its price, or a stepped reward's minimum. */
export const rewardEntryCost = (reward: Reward) => (isStepped(reward) ? reward.minPoints : reward.pointsCost);

export function nextReward(
  program: Pick<Program, "enabled" | "rewards">,
  balance: number,
  tierId: string | null,
): NextReward | null {
  if (!program.enabled) return null;
  let best: NextReward | null = null;
  for (const reward of program.rewards) {
    if (reward.tierIds.length > 0 && (tierId === null || !reward.tierIds.includes(tierId))) continue;
    const pointsCost = rewardEntryCost(reward);
    if (pointsCost <= balance) continue;
    if (!best || pointsCost < best.pointsCost) best = { reward, pointsCost, remaining: pointsCost - balance };
  }
  return best;
}

/** Flow's "Next reward" (its name in the shop's language, "" for none) and "Points to next reward" (0 for none). */
export function nextRewardFlowFields(
  program: Pick<Program, "enabled" | "rewards">,
  balance: number,
  tierId: string | null,
  language: ShopperLanguage,
): { "Next reward": string; "Points to next reward": number } {
  const next = nextReward(program, balance, tierId);
  return { "Next reward": next ? nameIn(next.reward, language) : "", "Points to next reward": next?.remaining ?? 0 };
}
