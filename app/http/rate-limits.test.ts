import { describe, expect, it } from "vitest";
import { spendRateLimit, type RateLimit } from "./rate-limits.server";

/** Spends `times` requests for `key`; the answer of the first refused one, or null. */
async function spend(limit: RateLimit, key: string, times: number): Promise<{ at: number; response: Response } | null> {
  for (let at = 1; at <= times; at++) {
    try {
      await spendRateLimit(limit, key);
    } catch (refusal) {
      return { at, response: refusal as Response };
    }
  }
  return null;
}

describe("rate limits", () => {
  it.each([
    ["appProxyRead", 1_250, 5],
    ["redemption", 10, 60],
    ["referralVisit", 30, 600],
  ] as const)(
    "%s allows %i requests per key in %i seconds, then answers 429 with Retry-After",
    async (limit, allowed, seconds) => {
      const refused = await spend(limit, `${limit}-key`, allowed + 1);
      expect(refused?.at).toBe(allowed + 1);
      expect(refused!.response.status).toBe(429);
      expect(await refused!.response.json()).toMatchObject({ error: "rate_limited" });
      const retryAfter = Number(refused!.response.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(seconds);
      // Each key has its own allowance.
      expect(await spend(limit, `${limit}-other-key`, allowed)).toBeNull();
    },
  );
});
