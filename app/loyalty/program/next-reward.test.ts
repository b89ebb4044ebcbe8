import { describe, expect, it } from "vitest";
import { nextReward } from "./next-reward";
import { defaultProgram, programSchema, type Program } from "./program";

const program = (rewards: unknown[], enabled = true): Program =>
  programSchema.parse({
    ...defaultProgram(),
    enabled,
    rewards,
    tiers: { ...defaultProgram().tiers, levels: [{ id: "gold", name: "Gold", threshold: 100 }] },
  });

const fiveOff = { id: "five-off", name: "5 off", type: "fixed_amount", pointsCost: 500, amount: 5 };
const tenOff = { id: "ten-off", name: "10 off", type: "fixed_amount", pointsCost: 1000, amount: 10 };
const goldShipping = {
  id: "gold-ship",
  name: "Free shipping",
  type: "free_shipping",
  pointsCost: 700,
  tierIds: ["gold"],
};
const credit = {
  id: "credit",
  name: "Store credit",
  type: "store_credit",
  pointsPerStep: 100,
  amountPerStep: 1,
  minPoints: 600,
  maxPoints: 5000,
};

describe("the next best reward", () => {
  it("is the cheapest reward the balance does not reach, with the points still needed", () => {
    const next = nextReward(program([tenOff, fiveOff]), 380, null);
    expect(next).toMatchObject({ reward: { id: "five-off" }, pointsCost: 500, remaining: 120 });
  });

  it("skips rewards the member can already afford", () => {
    expect(nextReward(program([fiveOff, tenOff]), 500, null)).toMatchObject({
      reward: { id: "ten-off" },
      remaining: 500,
    });
  });

  it("is null once the balance reaches every reward, with no rewards, or with the program off", () => {
    expect(nextReward(program([fiveOff, tenOff]), 1000, null)).toBeNull();
    expect(nextReward(program([]), 0, null)).toBeNull();
    expect(nextReward(program([fiveOff], false), 0, null)).toBeNull();
  });

  it("counts only rewards the member's tier may redeem", () => {
    expect(nextReward(program([tenOff, goldShipping]), 600, null)).toMatchObject({ reward: { id: "ten-off" } });
    expect(nextReward(program([tenOff, goldShipping]), 600, "gold")).toMatchObject({
      reward: { id: "gold-ship" },
      remaining: 100,
    });
  });

  it("counts a stepped reward by its first step", () => {
    expect(nextReward(program([tenOff, credit]), 550, null)).toMatchObject({
      reward: { id: "credit" },
      pointsCost: 600,
      remaining: 50,
    });
  });

  it("breaks a tie with the reward listed first", () => {
    const alsoFive = { ...fiveOff, id: "five-off-too", name: "Another 5 off" };
    expect(nextReward(program([alsoFive, fiveOff]), 0, null)).toMatchObject({ reward: { id: "five-off-too" } });
  });
});
