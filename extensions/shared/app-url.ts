/**
 * The app's origin, which the checkout and customer-account extensions call (they run on
 * Shopify's CDN, so a relative URL would not reach Tally).
 *
 * Shopify CLI bundles every UI extension with esbuild and defines `process.env.APP_URL` (and the
 * other variables of the environment and the app's `.env`): `shopify app dev` sets it to the dev
 * tunnel; for `shopify app deploy` / `app build`, set `APP_URL` to the production URL
 * (`SHOPIFY_APP_URL`) in the environment or `.env`. `scripts/build-extensions.ts` does the same
 * from `APP_URL`, `SHOPIFY_APP_URL` or `application_url` in shopify.app.toml. The bundle holds the
 * string literal; in the extension sandbox there is no `process`, so an unreplaced reference
 * would throw — caught here, leaving "" (the extensions then say they are not configured).
 */
declare const process: { env: Record<string, string | undefined> };

/** Read at call time (tests set the variable; in a bundle it is a literal either way). */
export function appUrl(): string {
  try {
    return (process.env.APP_URL ?? "").replace(/\/+$/, "");
  } catch {
    return "";
  }
}
