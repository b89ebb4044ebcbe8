import { redirect } from "@remix-run/node";
import { sandboxShop } from "../app/shopify/session-token.server";
import { mintSessionToken } from "./signing";

/*
 * The Shopify admin's part for `npm run demo`: it hands the embedded app a session token, and App
 * Bridge adds one to the app's own requests. Outside Shopify the sandbox plays both.
 */

const SANDBOX_TOKEN_TTL_SECONDS = 8 * 60 * 60;

/**
 * `/sandbox/login[?locale=fr]`: opens the admin pages outside Shopify with a session token minted
 * for the sandbox shop and the merchant's language, as the Shopify admin would hand them to the
 * embedded app. 404 unless
 * TALLY_SANDBOX_SHOP is set, and always 404 when NODE_ENV=production.
 */
export async function sandboxLogin(request: Request): Promise<never> {
  const shop = sandboxShop();
  if (!shop) throw new Response("Not Found", { status: 404 });
  const idToken = await mintSessionToken({
    shop,
    apiKey: process.env.SHOPIFY_API_KEY ?? "",
    apiSecret: process.env.SHOPIFY_API_SECRET ?? "",
    ttlSeconds: SANDBOX_TOKEN_TTL_SECONDS,
  });
  const query = new URL(request.url).searchParams;
  const target = query.get("to") ?? "/app";
  const host = Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url");
  // The merchant's admin language, as the Shopify admin passes it: /sandbox/login?locale=fr.
  const locale = query.get("locale") ?? "en";
  const params = new URLSearchParams({ embedded: "1", shop, host, id_token: idToken, locale });
  throw redirect(`${target.startsWith("/app") ? target : "/app"}?${params}`);
}

// App Bridge cannot load outside the Shopify admin, so nothing would add the session token to the
// app's own data requests. This stands in for App Bridge's fetch; app/routes/app.tsx loads it
// from `/sandbox/app-bridge.js` when the sandbox is on.
const APP_BRIDGE_FETCH_SHIM = `(() => {
  const fromUrl = new URLSearchParams(location.search).get("id_token");
  if (fromUrl) sessionStorage.setItem("tally-sandbox-token", fromUrl);
  const nativeFetch = window.fetch.bind(window);
  window.fetch = (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    const token = sessionStorage.getItem("tally-sandbox-token");
    if (url.origin !== location.origin || !token) return nativeFetch(input, init);
    const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
    headers.set("Authorization", "Bearer " + token);
    return nativeFetch(input, { ...init, headers });
  };
})();`;

/** `/sandbox/app-bridge.js`: the fetch shim above. 404 unless the sandbox is on. */
export function appBridgeScript(): Response {
  if (!sandboxShop()) throw new Response("Not Found", { status: 404 });
  return new Response(APP_BRIDGE_FETCH_SHIM, {
    headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache" },
  });
}
