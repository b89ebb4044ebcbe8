import { describe, expect, it } from "vitest";
import { defaultProgram, type Program, type Reward } from "~/loyalty/program/program";
import { liabilityBasis, liabilityMinorUnits } from "./liability";

const common = () => {
  const {
    type: _type,
    pointsCost: _cost,
    amount: _amount,
    ...rest
  } = defaultProgram().rewards[0] as Reward & {
    type: "fixed_amount";
  };
  return rest;
};
const amountOff = (id: string, pointsCost: number, amount: number): Reward => ({
  ...common(),
  id,
  name: id,
  type: "fixed_amount",
  pointsCost,
  amount,
});
const withRewards = (...rewards: Reward[]): Program => ({ ...defaultProgram(), rewards });

describe("the liability's basis", () => {
  it("is the best amount-off rate: 700 points at 900 points = 10.00 off are worth 7.78, not 7.00", () => {
    const basis = liabilityBasis(withRewards(amountOff("five-off", 500, 5), amountOff("ten-off", 900, 10)), "USD")!;
    expect(basis).toEqual({ rewardId: "ten-off", rewardName: "ten-off", points: 900, amountMinorUnits: 1000 });
    expect(liabilityMinorUnits(700, basis)).toBe(778);
  });

  it("values points at a store credit reward's step: its money goes to Shopify's store credit", () => {
    const credit = {
      ...common(),
      id: "credit",
      name: "credit",
      type: "store_credit",
      pointsPerStep: 100,
      amountPerStep: 1.5,
      minPoints: 100,
      maxPoints: 1000,
      creditExpiryDays: null,
    } as Reward;
    const basis = liabilityBasis(withRewards(amountOff("five-off", 500, 5), credit), "JPY")!;
    expect(basis).toMatchObject({ rewardId: "credit", points: 100, amountMinorUnits: 2 });
  });

  it("does not move with the catalog's order or a newer reward at the same rate", () => {
    const rewards = [amountOff("b-ten", 1000, 10), amountOff("five", 500, 5), amountOff("a-ten", 1000, 10)];
    for (const order of [rewards, [...rewards].reverse(), [rewards[2]!, rewards[0]!, rewards[1]!]]) {
      expect(liabilityBasis(withRewards(...order), "USD")?.rewardId).toBe("five");
    }
    expect(liabilityBasis(withRewards(rewards[0]!, rewards[2]!), "USD")?.rewardId).toBe("a-ten");
  });

  it("counts a pay-with-points step, in the currency's own minor units", () => {
    const pay: Reward = {
      ...common(),
      id: "pay",
      name: "Pay with points",
      type: "variable",
      pointsPerStep: 100,
      amountPerStep: 2,
      minPoints: 100,
      maxPoints: 1000,
    };
    expect(liabilityBasis(withRewards(amountOff("five-off", 500, 5), pay), "EUR")).toMatchObject({
      rewardId: "pay",
      points: 100,
      amountMinorUnits: 200,
    });
    expect(liabilityBasis(withRewards(amountOff("yen", 100, 500)), "JPY")?.amountMinorUnits).toBe(500);
    expect(liabilityBasis(withRewards(amountOff("dinar", 100, 1.25)), "KWD")?.amountMinorUnits).toBe(1250);
  });

  it("rounds once, half up, on the exact product", () => {
    const basis = liabilityBasis(withRewards(amountOff("third", 3, 0.01)), "USD")!;
    expect(liabilityMinorUnits(1, basis)).toBe(0); // 0.33 of a cent
    expect(liabilityMinorUnits(2, basis)).toBe(1); // 0.67
    expect(liabilityMinorUnits(0, basis)).toBe(0);
    // 9,007,199,254,740,991 points at 1.00 per point: no float on the way.
    expect(liabilityMinorUnits(Number.MAX_SAFE_INTEGER, { ...basis, points: 1, amountMinorUnits: 1 })).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it("is unknown when no reward has a money value", () => {
    const shipping: Reward = {
      ...common(),
      id: "ship",
      type: "free_shipping",
      pointsCost: 300,
      maxShippingPrice: null,
    };
    const percent: Reward = { ...common(), id: "ten", type: "percentage", pointsCost: 1000, percentage: 10 };
    expect(liabilityBasis(withRewards(shipping, percent), "USD")).toBeNull();
  });
});
