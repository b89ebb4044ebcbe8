import { describe, expect, it } from "vitest";
import {
  CALL_RETRY,
  canRetry,
  nextAttemptAt,
  retryAfterMs,
  retryDelayMs,
  TASK_RETRY,
  type RetryPolicy,
} from "./retry-policy";

const POLICY: RetryPolicy = { maxAttempts: 4, firstDelayMs: 1_000, maxDelayMs: 5_000, jitter: 0.5 };
const noJitter = () => 0;

describe("retry policy", () => {
  it("doubles the wait with each failure up to the cap", () => {
    expect([1, 2, 3, 4, 5].map((failures) => retryDelayMs(POLICY, failures, noJitter))).toEqual([
      1_000, 2_000, 4_000, 5_000, 5_000,
    ]);
  });

  it("draws up to the jitter's share of each wait off it, never adding to it", () => {
    expect(retryDelayMs(POLICY, 2, () => 0.999_999)).toBe(1_000);
    expect(retryDelayMs(POLICY, 2, () => 0.5)).toBe(1_500);
    for (let i = 0; i < 200; i++) {
      const delay = retryDelayMs(POLICY, 3);
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
  });

  it("allows maxAttempts attempts in all, counting the first", () => {
    expect([1, 2, 3, 4].map((failures) => canRetry(POLICY, failures))).toEqual([true, true, true, false]);
  });

  it("schedules a task's next attempt from now", () => {
    const now = new Date("2026-05-01T12:00:00Z");
    expect(nextAttemptAt(POLICY, now, 1, noJitter)).toEqual(new Date("2026-05-01T12:00:01Z"));
  });

  it("waits seconds inside an Admin API call and gives up after six attempts", () => {
    expect([1, 2, 3, 4, 5].map((failures) => retryDelayMs(CALL_RETRY, failures))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000,
    ]);
    expect(canRetry(CALL_RETRY, 5)).toBe(true);
    expect(canRetry(CALL_RETRY, 6)).toBe(false);
  });

  it("gives an outbox task ten attempts over up to an hour and a quarter", () => {
    const waits = Array.from({ length: TASK_RETRY.maxAttempts - 1 }, (_, i) =>
      retryDelayMs(TASK_RETRY, i + 1, noJitter),
    );
    expect(waits[0]).toBe(10_000);
    expect(Math.max(...waits)).toBe(30 * 60_000);
    expect(waits.reduce((sum, wait) => sum + wait, 0) / 60_000).toBeCloseTo(72.5);
  });

  describe("Retry-After", () => {
    const now = Date.parse("2026-05-01T12:00:00Z");

    it("reads seconds", () => {
      expect(retryAfterMs("2", now)).toBe(2_000);
      expect(retryAfterMs("0.5", now)).toBe(500);
    });

    it("reads an HTTP date", () => {
      expect(retryAfterMs("Fri, 01 May 2026 12:00:30 GMT", now)).toBe(30_000);
    });

    it("leaves the wait to the policy when absent, unreadable, zero or past", () => {
      for (const header of [null, undefined, "", "soon", "0", "-3", "Fri, 01 May 2026 11:59:00 GMT"]) {
        expect(retryAfterMs(header, now)).toBeNull();
      }
    });
  });
});
