import { createHmac } from "node:crypto";

/*
 * Signs a storefront request the way Shopify's App Proxy does, for the demo's storefront preview,
 * `npm run demo:proxy` and the tests: in a real store Shopify signs, and
 * app/edge/app-proxy.server.ts verifies. Re-exported by sandbox/signing.ts.
 */

/**
 * The query string Shopify's App Proxy adds: shop, logged_in_customer_id, path_prefix,
 * timestamp, and `signature` = hex HMAC-SHA256 over the other parameters sorted by name,
 * each `key=value` (repeated values joined by commas), concatenated without separators.
 */
export function signAppProxyQuery(params: Record<string, string | string[]>, apiSecret: string): URLSearchParams {
  const message = Object.keys(params)
    .filter((key) => key !== "signature")
    .sort()
    .map((key) => {
      const value = params[key]!;
      return `${key}=${Array.isArray(value) ? value.join(",") : value}`;
    })
    .join("");
  const signature = createHmac("sha256", apiSecret).update(message).digest("hex");
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, item);
  }
  query.set("signature", signature);
  return query;
}

export interface AppProxyCustomer {
  shop: string;
  /** Null for a guest: Shopify sends an empty `logged_in_customer_id`. */
  customerId: string | number | null;
  pathPrefix?: string;
  timestamp?: Date;
  /** The request's own parameters; a repeated one (`tag=a&tag=b`) as an array. */
  extra?: Record<string, string | string[]>;
}

export function appProxyQuery(request: AppProxyCustomer, apiSecret: string): URLSearchParams {
  return signAppProxyQuery(
    {
      ...request.extra,
      shop: request.shop,
      logged_in_customer_id: request.customerId === null ? "" : String(request.customerId),
      path_prefix: request.pathPrefix ?? "/apps/tally",
      timestamp: String(Math.floor((request.timestamp ?? new Date()).getTime() / 1000)),
    },
    apiSecret,
  );
}
