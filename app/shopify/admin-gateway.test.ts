import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AdminApiDouble } from "../../sandbox/admin-api-double";
import { AdminGateway, adminApiOrigin, resetCostBuckets } from "./admin-gateway.server";
import { AdminGraphQLError, AdminHttpError, AdminThrottledError, AdminUserError } from "./errors";
import type { AdminOperation } from "./operation";
import { fetchShopDetails } from "./shop-details.server";

const SHOP = "gateway-shop.myshopify.com";
const TOKEN = "shpat_gateway";
let double: AdminApiDouble;
let sleeps: number[];

// The codegen types app/'s documents only: a test's own operations carry hand-written types.
const TagCustomer: AdminOperation<
  { tagsAdd: { userErrors: { field: string[] | null; message: string }[] } | null },
  { id: string; tags: string[] }
> = {
  name: "TagCustomer",
  source: `
  mutation TagCustomer($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) {
      userErrors { field message }
    }
  }
`,
};

const gateway = (options: { token?: string; maxAttempts?: number; timeoutMs?: number } = {}) =>
  new AdminGateway(SHOP, options.token ?? TOKEN, {
    origin: double.origin,
    maxAttempts: options.maxAttempts,
    timeoutMs: options.timeoutMs,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });

beforeAll(async () => {
  double = await AdminApiDouble.start();
  double.addShop({
    domain: SHOP,
    accessToken: TOKEN,
    name: "Gateway Goods",
    email: "owner@gateway.test",
    currencyCode: "CAD",
    ianaTimezone: "America/Toronto",
  });
});
afterAll(() => double.close());
beforeEach(() => {
  double.reset();
  resetCostBuckets();
  sleeps = [];
});

describe("AdminGateway", () => {
  it("sends the operation to the shop's Admin API with its token and returns typed data", async () => {
    const details = await fetchShopDetails(gateway());
    expect(details).toEqual({
      id: "gid://shopify/Shop/1",
      name: "Gateway Goods",
      email: "owner@gateway.test",
      currencyCode: "CAD",
      ianaTimezone: "America/Toronto",
      myshopifyDomain: SHOP,
    });
    expect(double.callsTo("ShopDetails")).toHaveLength(1);
  });

  it("waits for the bucket to refill after THROTTLED and then succeeds", async () => {
    double.failNext({ kind: "throttled" });
    await fetchShopDetails(gateway());
    expect(double.callsTo("ShopDetails")).toHaveLength(2);
    // Empty bucket, restore rate 100/s: wait until a tenth of the 2000-point bucket is back
    // (less the few milliseconds of refill since Shopify answered).
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(1900);
    expect(sleeps[0]).toBeLessThanOrEqual(2000);
  });

  it("gives up with AdminThrottledError when the bucket stays empty", async () => {
    double.failNext({ kind: "throttled" }, { times: 10 });
    await expect(fetchShopDetails(gateway({ maxAttempts: 3 }))).rejects.toBeInstanceOf(AdminThrottledError);
    expect(double.callsTo("ShopDetails")).toHaveLength(3);
  });

  it("slows down before the bucket is empty instead of running into THROTTLED", async () => {
    double.drainBucket(SHOP, 150);
    await fetchShopDetails(gateway());
    expect(sleeps).toEqual([]);
    await fetchShopDetails(gateway());
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(400);
  });

  it("retries a 503 with backoff", async () => {
    double.failNext({ kind: "http", status: 503 }, { times: 2 });
    await fetchShopDetails(gateway());
    expect(sleeps).toEqual([500, 1000]);
  });

  it("abandons an attempt Shopify does not answer within the timeout", async () => {
    double.delayResponses(3_000);
    const started = Date.now();
    const error = await fetchShopDetails(gateway({ maxAttempts: 2, timeoutMs: 200 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminHttpError);
    expect(error).toMatchObject({ status: 0, retryable: false });
    expect(sleeps).toEqual([500]);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("does not retry a rejected token", async () => {
    const error = await fetchShopDetails(gateway({ token: "shpat_revoked" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminHttpError);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(sleeps).toEqual([]);
  });

  it("raises AdminGraphQLError for an operation Shopify rejects", async () => {
    const bogus: AdminOperation<unknown, Record<string, never>> = {
      name: "Bogus",
      source: `query Bogus { shop { loyaltyPoints } }`,
    };
    const error = await gateway()
      .request(bogus)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminGraphQLError);
    expect((error as Error).message).toContain('Cannot query field "loyaltyPoints" on type "Shop"');
  });

  it("raises AdminUserError when a mutation refuses its input", async () => {
    double.failNext({ kind: "userErrors", userErrors: [{ field: ["id"], message: "Customer does not exist" }] });
    const error = await gateway()
      .mutate(TagCustomer, { id: "gid://shopify/Customer/1", tags: ["VIP"] }, (data) => data.tagsAdd)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminUserError);
    expect((error as AdminUserError).userErrors).toEqual([{ field: ["id"], message: "Customer does not exist" }]);
  });
});

describe("adminApiOrigin", () => {
  it("is the shop itself unless a local Admin API is named", () => {
    expect(adminApiOrigin(SHOP, {})).toBe(`https://${SHOP}`);
    expect(adminApiOrigin(SHOP, { SHOPIFY_ADMIN_API_ORIGIN: "http://127.0.0.1:4000/" })).toBe("http://127.0.0.1:4000");
  });

  it("refuses a local Admin API in production", () => {
    expect(() =>
      adminApiOrigin(SHOP, { NODE_ENV: "production", SHOPIFY_ADMIN_API_ORIGIN: "http://127.0.0.1:4000" }),
    ).toThrow(/refused when NODE_ENV=production/);
  });
});
