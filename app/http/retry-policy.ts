/**
 * How Tally retries a call to Shopify that failed in a way that can pass (throttling, 5xx, a
 * network error): the one policy for the Admin API gateway's waits inside a call and for the
 * outbox tasks that jobs reschedule. The wait doubles with each failure up to a cap; a
 * Retry-After from the server wins over it.
 */
export interface RetryPolicy {
  /** Attempts in all, counting the first. */
  maxAttempts: number;
  /** The wait after the first failure; each further failure doubles it. */
  firstDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs: number;
  /**
   * The share of each wait that is drawn at random (0 to 1): callers that failed together, in
   * one outage, come back spread out instead of all at once. A wait is never longer for it.
   */
  jitter: number;
}

/**
 * Retries inside one Admin API call, while a request or a job waits for it: seconds in all. No
 * jitter: they are few and short, and concurrent calls to a shop are already spaced by its cost
 * bucket, which the gateway waits for before every attempt (that is how THROTTLED is honoured).
 */
export const CALL_RETRY: RetryPolicy = { maxAttempts: 6, firstDelayMs: 500, maxDelayMs: 8_000, jitter: 0 };

/**
 * Retries of an outbox task (a discount code, a Flow event, a metafield sync, a scoring) that a
 * job reschedules: ten attempts over about an hour and a quarter. A task that needs longer says
 * so with its own `maxAttempts`.
 */
export const TASK_RETRY: RetryPolicy = { maxAttempts: 10, firstDelayMs: 10_000, maxDelayMs: 30 * 60_000, jitter: 0.5 };

/** Whether a call that has failed `failures` times may be tried again. */
export function canRetry(policy: RetryPolicy, failures: number): boolean {
  return failures < policy.maxAttempts;
}

/** How long to wait after the `failures`-th failure (1 for the first) before the next attempt. */
export function retryDelayMs(policy: RetryPolicy, failures: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.firstDelayMs * 2 ** Math.max(0, failures - 1), policy.maxDelayMs);
  return Math.round(exponential * (1 - policy.jitter * random()));
}

/** When a task that has failed `failures` times is due again. */
export function nextAttemptAt(policy: RetryPolicy, now: Date, failures: number, random?: () => number): Date {
  return new Date(now.getTime() + retryDelayMs(policy, failures, random));
}

/**
 * The wait a Retry-After header asks for (seconds, or an HTTP date), in milliseconds; null when
 * there is none or it cannot be read, and the policy's own wait applies.
 */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | null {
  if (!header?.trim()) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds * 1000 : null;
  const at = Date.parse(header);
  return Number.isFinite(at) && at > now ? at - now : null;
}
