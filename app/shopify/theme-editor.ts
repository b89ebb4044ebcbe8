/** The theme app extension's app embed (extensions/tally-theme/blocks/<handle>.liquid). */
export const THEME_APP_EMBED_HANDLE = "tally-launcher";

/** Opens the shop's live theme in the theme editor with Tally's app embed switched on, ready to save. */
export function themeEmbedActivationUrl(shopDomain: string, apiKey: string): string {
  const params = new URLSearchParams({ context: "apps", activateAppId: `${apiKey}/${THEME_APP_EMBED_HANDLE}` });
  return `https://${shopDomain}/admin/themes/current/editor?${params}`;
}

/** The sandbox's stand-in storefront (sandbox/storefront/preview.ts), on the app's own origin. */
export const SANDBOX_STOREFRONT_PATH = "/sandbox/storefront";

/** Where the merchant sees their store as shoppers do: the shop itself, or the sandbox's local preview. */
export function storefrontUrl(shopDomain: string, sandbox: boolean): string {
  return sandbox ? SANDBOX_STOREFRONT_PATH : `https://${shopDomain}`;
}
