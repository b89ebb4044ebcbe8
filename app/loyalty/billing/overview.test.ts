import { describe, expect, it } from "vitest";
import { currentCycle, usedThisCycle } from "./overview.server";

const DAY = 86_400_000;
const now = new Date("2026-12-01T12:00:00Z");

describe("the billing cycle the page shows", () => {
  it("is Shopify's period while it runs", () => {
    const end = new Date(now.getTime() + 10 * DAY);
    expect(currentCycle(end, now)).toEqual({ start: new Date(end.getTime() - 30 * DAY), end });
  });

  it("rolls forward by 30 days once the stored period has ended", () => {
    const end = new Date(now.getTime() - 5 * DAY);
    expect(currentCycle(end, now)).toEqual({ start: end, end: new Date(end.getTime() + 30 * DAY) });
    const longAgo = new Date(now.getTime() - 65 * DAY);
    expect(currentCycle(longAgo, now).end).toEqual(new Date(longAgo.getTime() + 90 * DAY));
  });

  it("is the last 30 days without an approved plan", () => {
    expect(currentCycle(null, now)).toEqual({ start: new Date(now.getTime() - 30 * DAY), end: now });
  });
});

describe("what this cycle used of the cap", () => {
  it("is the stored balance while its period runs", () => {
    expect(usedThisCycle({ balanceUsed: 7_500n, currentPeriodEnd: new Date(now.getTime() + DAY) }, now)).toBe(7_500);
  });

  it("is nothing once the period has ended: a new cycle began", () => {
    expect(usedThisCycle({ balanceUsed: 7_500n, currentPeriodEnd: new Date(now.getTime() - DAY) }, now)).toBe(0);
  });
});
