import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/**
 * How often a caller may do what, counted in this process's memory (ADR 0014): behind a load
 * balancer of N instances a caller gets up to N times these. Over a limit the request is a 429
 * with Retry-After, refused before it writes anything.
 */
const limiters = {
  /** A shopper's redemption attempts (per shop and customer): a script spending points in a loop. */
  redemption: new RateLimiterMemory({ keyPrefix: "redemption", points: 10, duration: 60 }),
  /** A member giving points to a cause (per shop and customer): a script draining a balance in a loop. */
  donation: new RateLimiterMemory({ keyPrefix: "donation", points: 10, duration: 60 }),
  /** A shopper's claims of actions (per shop and customer): a script claiming every action in a loop. */
  actionClaim: new RateLimiterMemory({ keyPrefix: "action-claim", points: 10, duration: 60 }),
  /** A shopper joining or leaving the leaderboard (per shop and customer). */
  leaderboard: new RateLimiterMemory({ keyPrefix: "leaderboard", points: 10, duration: 60 }),
  /** A shopper's survey answers (per shop and customer, or per guest order): a script posting answers in a loop. */
  surveyAnswer: new RateLimiterMemory({ keyPrefix: "survey-answer", points: 10, duration: 60 }),
  /** Referral-link visits per source address (per shop): a bot inflating a member's visits. */
  referralVisit: new RateLimiterMemory({ keyPrefix: "referral-visit", points: 30, duration: 600 }),
  /** App Proxy reads per shop: one storefront's flood must not slow every other shop's. */
  appProxyRead: new RateLimiterMemory({ keyPrefix: "proxy-read", points: 1_250, duration: 5 }),
  /** A partner's earn requests (per partner, once its key matched): a partner's loop must not flood the ledger. */
  partnerEarn: new RateLimiterMemory({ keyPrefix: "partner-earn", points: 60, duration: 60 }),
};

export type RateLimit = keyof typeof limiters;

/** Counts one request against `limit` for `key`; over it, throws a 429 saying when to retry. */
export async function spendRateLimit(limit: RateLimit, key: string): Promise<void> {
  try {
    await limiters[limit].consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw Response.json(
      { error: "rate_limited", retryAfterSeconds },
      { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } },
    );
  }
}
