import { describe, expect, it } from "vitest";
import checkoutMessages from "../tally-checkout/locales/en.default.json";
import accountMessages from "../tally-customer-account/locales/en.default.json";
import { redeemNotice } from "./notice";
import type { RedeemOutcome, Redemption, Reward } from "./tally-api";

const reward: Reward = { id: "five-off", name: "5 off", type: "fixed_amount", pointsCost: 500, available: true };
const redemption = (status: Redemption["status"], code: string | null = "TALLY-ABC"): Redemption => ({
  id: "r1",
  code,
  status,
  pointsSpent: 500,
  expiresAt: "2027-01-01T00:00:00.000Z",
});
const formatPoints = (n: number) => n.toLocaleString("en");

const outcomes: RedeemOutcome[] = [
  { kind: "redeemed", redemption: redemption("pending") },
  { kind: "redeemed", redemption: redemption("failed", null) },
  { kind: "insufficient_points", balance: 120, pointsNeeded: 1500 },
  { kind: "unavailable" },
  { kind: "refunded" },
  { kind: "signed_out" },
  { kind: "unknown" },
];

describe("what the shopper is told after Redeem", () => {
  it("names the code still being prepared, and says the points came back when it failed", () => {
    expect(redeemNotice(outcomes[0]!, reward, formatPoints)).toEqual({
      key: "codeLater",
      tone: "info",
      values: { code: "TALLY-ABC" },
    });
    expect(redeemNotice(outcomes[1]!, reward, formatPoints)).toEqual({ key: "refunded", tone: "warning" });
  });

  it("says what the reward needs and what the shopper has, formatted", () => {
    expect(redeemNotice(outcomes[2]!, reward, formatPoints)).toEqual({
      key: "insufficient",
      tone: "warning",
      // The count picks the plural form of "needs N points" in the shopper's language.
      values: { count: 1500, name: "5 off", needed: "1,500", balance: "120" },
    });
  });

  it("is critical only when it is unknown whether points were spent", () => {
    expect(outcomes.slice(3).map((outcome) => redeemNotice(outcome, reward, formatPoints).tone)).toEqual([
      "warning",
      "warning",
      "warning",
      "critical",
    ]);
  });

  it.each([
    ["checkout", checkoutMessages],
    ["customer account", accountMessages],
  ])("has a message in the %s extension for every notice", (_, messages) => {
    for (const outcome of outcomes) {
      expect(messages.notice).toHaveProperty(redeemNotice(outcome, reward, formatPoints).key);
    }
  });
});
