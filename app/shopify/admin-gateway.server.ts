import type { PrismaClient } from "@prisma/client";
import { ClientError, GraphQLClient } from "graphql-request";
import { CALL_RETRY, canRetry, retryAfterMs, retryDelayMs, type RetryPolicy } from "~/http/retry-policy";
import { ADMIN_API_VERSION } from "./api-version";
import {
  AdminGraphQLError,
  AdminHttpError,
  AdminThrottledError,
  AdminUserError,
  ShopNotInstalledError,
} from "./errors";
import type { AdminOperation, UserError } from "./operation";
import { offlineSessionId } from "./shops.server";

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface CostExtension {
  cost?: {
    requestedQueryCost?: number;
    actualQueryCost?: number | null;
    throttleStatus?: ThrottleStatus;
  };
}

interface BucketReading extends ThrottleStatus {
  lastRequestedCost: number;
  readAt: number;
}

/**
 * What we last learned of each shop's cost bucket. Shared by every gateway in the process so
 * jobs and requests for one shop wait for the same bucket instead of racing into THROTTLED.
 */
const buckets = new Map<string, BucketReading>();

export interface AdminGatewayOptions {
  apiVersion?: string;
  /** Defaults to `adminApiOrigin(shop)`. */
  origin?: string;
  fetch?: typeof fetch;
  /** Attempts per operation, counting the first (CALL_RETRY's by default). */
  maxAttempts?: number;
  /** How long one HTTP attempt may take before it is abandoned (and retried if attempts remain). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** No Admin API call hangs a request or a job: each attempt is abandoned after this. */
export const ADMIN_API_TIMEOUT_MS = 10_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Where Admin API requests for a shop go: the shop itself, or a local Admin API (the sandbox
 * and tests) named by SHOPIFY_ADMIN_API_ORIGIN — never in production.
 */
export function adminApiOrigin(shop: string, env: Record<string, string | undefined> = process.env): string {
  const override = env.SHOPIFY_ADMIN_API_ORIGIN;
  if (!override) return `https://${shop}`;
  if (env.NODE_ENV === "production") {
    throw new Error("SHOPIFY_ADMIN_API_ORIGIN is refused when NODE_ENV=production");
  }
  return override.replace(/\/+$/, "");
}

/** The one way Tally talks to a shop's Admin GraphQL API. */
export class AdminGateway {
  private readonly client: GraphQLClient;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    readonly shop: string,
    accessToken: string,
    options: AdminGatewayOptions = {},
  ) {
    const origin = options.origin ?? adminApiOrigin(shop);
    const version = options.apiVersion ?? ADMIN_API_VERSION;
    const send = options.fetch ?? fetch;
    const timeoutMs = options.timeoutMs ?? ADMIN_API_TIMEOUT_MS;
    this.client = new GraphQLClient(`${origin}/admin/api/${version}/graphql.json`, {
      headers: { "X-Shopify-Access-Token": accessToken, "User-Agent": "Tally" },
      fetch: (url, init) => send(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
    });
    this.retry = { ...CALL_RETRY, maxAttempts: options.maxAttempts ?? CALL_RETRY.maxAttempts };
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** A gateway on the shop's offline session; throws ShopNotInstalledError without one. */
  static async forShop(db: PrismaClient, shop: string, options?: AdminGatewayOptions) {
    const session = await db.session.findUnique({ where: { id: offlineSessionId(shop) } });
    if (!session) throw new ShopNotInstalledError(shop);
    return new AdminGateway(shop, session.accessToken, options);
  }

  /** forShop, or null for a shop that uninstalled (no offline session): jobs skip or drop its work. */
  static async forInstalledShop(db: PrismaClient, shop: string, options?: AdminGatewayOptions) {
    return AdminGateway.forShop(db, shop, options).catch((error: unknown) => {
      if (error instanceof ShopNotInstalledError) return null;
      throw error;
    });
  }

  async request<TData, TVariables extends Record<string, unknown>>(
    operation: AdminOperation<TData, TVariables>,
    variables?: TVariables,
  ): Promise<TData> {
    for (let attempt = 1; ; attempt++) {
      await this.waitForBucket();
      try {
        const response = await this.client.rawRequest<TData>(operation.source, variables);
        this.remember(response.extensions);
        return response.data;
      } catch (error) {
        const retryAfterMs = this.handleFailure(error, operation.name, attempt);
        if (retryAfterMs > 0) await this.sleep(retryAfterMs);
      }
    }
  }

  /** Runs a mutation and raises AdminUserError when its payload carries userErrors. */
  async mutate<TData, TVariables extends Record<string, unknown>, TPayload extends { userErrors: UserError[] }>(
    operation: AdminOperation<TData, TVariables>,
    variables: TVariables,
    payloadOf: (data: TData) => TPayload | null | undefined,
  ): Promise<TPayload> {
    const data = await this.request(operation, variables);
    const payload = payloadOf(data);
    if (!payload) throw new AdminGraphQLError([{ message: "empty payload" }], operation.name, this.shop);
    if (payload.userErrors.length) throw new AdminUserError(payload.userErrors, operation.name, this.shop);
    return payload;
  }

  /** Returns how long to wait before the next attempt, or throws a typed error. */
  private handleFailure(error: unknown, operationName: string, attempt: number): number {
    const lastAttempt = !canRetry(this.retry, attempt);
    const backoffMs = retryDelayMs(this.retry, attempt);
    if (!(error instanceof ClientError)) {
      // Network failure: the request may not have reached Shopify.
      if (lastAttempt) throw new AdminHttpError(0, operationName, this.shop);
      return backoffMs;
    }
    const { status, errors, extensions } = error.response;
    this.remember(extensions);
    if (errors?.some((e) => e.extensions?.code === "THROTTLED")) {
      if (lastAttempt) throw new AdminThrottledError("throttled", operationName, this.shop);
      return 0; // waitForBucket, before the retry, waits for the refill this query needs
    }
    if (status === 429 || status >= 500) {
      if (lastAttempt) throw new AdminHttpError(status, operationName, this.shop);
      return retryAfterMs(error.response.headers?.get("retry-after")) ?? backoffMs;
    }
    if (status >= 400) throw new AdminHttpError(status, operationName, this.shop);
    throw new AdminGraphQLError(
      (errors ?? []).map((e) => ({ message: e.message, extensions: e.extensions as { code?: string } })),
      operationName,
      this.shop,
    );
  }

  private remember(extensions: unknown) {
    const cost = (extensions as CostExtension | undefined)?.cost;
    if (cost?.throttleStatus) {
      buckets.set(this.shop, {
        ...cost.throttleStatus,
        lastRequestedCost: cost.requestedQueryCost ?? 0,
        readAt: Date.now(),
      });
    }
  }

  /**
   * Waits until the shop's bucket holds a tenth of its size (Tally leaves the rest to the
   * merchant's other apps) or, after THROTTLED, what the refused query asked for.
   */
  private async waitForBucket() {
    const reading = buckets.get(this.shop);
    if (!reading) return;
    const refilled = (reading.restoreRate * (Date.now() - reading.readAt)) / 1000;
    const available = Math.min(reading.maximumAvailable, reading.currentlyAvailable + refilled);
    const needed = Math.max(reading.maximumAvailable / 10, reading.lastRequestedCost);
    if (available >= needed) return;
    await this.sleep(Math.ceil(((needed - available) / reading.restoreRate) * 1000));
  }
}

/** Forget bucket readings (tests start each shop with a full bucket). */
export function resetCostBuckets() {
  buckets.clear();
}
