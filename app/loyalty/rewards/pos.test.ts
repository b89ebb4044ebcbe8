import { describe, expect, it } from "vitest";
import { POS_REVERSAL_WINDOW_MS, reversalRefusal } from "./pos";

const at = new Date("2026-12-01T10:00:00Z");
const redemption = (overrides: Partial<Parameters<typeof reversalRefusal>[0]> = {}) => ({
  channel: "pos",
  status: "active",
  createdAt: at,
  rewardType: "fixed_amount",
  ...overrides,
});
const later = (ms: number) => new Date(at.getTime() + ms);

describe("undoing a redemption at the point of sale", () => {
  it("is allowed for an active POS code up to the end of the window, not a moment after", () => {
    expect(reversalRefusal(redemption(), later(POS_REVERSAL_WINDOW_MS))).toBeNull();
    expect(reversalRefusal(redemption(), later(POS_REVERSAL_WINDOW_MS + 1))).toBe("window_passed");
  });

  it("is refused for an online redemption, a used code, a code not made yet and store credit", () => {
    expect(reversalRefusal(redemption({ channel: "online" }), at)).toBe("not_pos");
    expect(reversalRefusal(redemption({ status: "used" }), at)).toBe("used");
    expect(reversalRefusal(redemption({ status: "pending" }), at)).toBe("not_active");
    expect(reversalRefusal(redemption({ status: "expired" }), at)).toBe("not_active");
    expect(reversalRefusal(redemption({ rewardType: "store_credit" }), at)).toBe("store_credit");
  });
});
