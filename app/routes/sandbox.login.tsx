import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { mintSessionToken, sandboxShop } from "~/shopify/session-token.server";
import { onlyMethods } from "~/http/methods.server";

const SANDBOX_TOKEN_TTL_SECONDS = 8 * 60 * 60;

/**
 * `npm run demo` only: opens the admin pages outside Shopify with a session token minted for
 * the sandbox shop, as the Shopify admin would hand it to the embedded app. 404 unless
 * TALLY_SANDBOX_SHOP is set, and always 404 when NODE_ENV=production.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const shop = sandboxShop();
  if (!shop) throw new Response("Not Found", { status: 404 });
  const idToken = await mintSessionToken({
    shop,
    apiKey: process.env.SHOPIFY_API_KEY ?? "",
    apiSecret: process.env.SHOPIFY_API_SECRET ?? "",
    ttlSeconds: SANDBOX_TOKEN_TTL_SECONDS,
  });
  const target = new URL(request.url).searchParams.get("to") ?? "/app";
  const host = Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url");
  const params = new URLSearchParams({ embedded: "1", shop, host, id_token: idToken });
  throw redirect(`${target.startsWith("/app") ? target : "/app"}?${params}`);
}

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
