import { AdminGateway } from "~/shopify/admin-gateway.server";
import { fetchMainThemeSettings } from "~/shopify/themes.server";
import { tallyEmbedEnabled, type ThemeEmbedCheck } from "./theme-embed";

/**
 * Whether Tally's app embed is on in the shop's published theme, read from the theme's settings
 * as Shopify has them now. Any failure (Shopify down or slow, no published theme, settings that
 * cannot be read) is "unknown", never a guess.
 */
export async function checkThemeEmbed(shop: string, accessToken: string): Promise<ThemeEmbedCheck> {
  try {
    // The check runs while the home page loads: one attempt (abandoned after ADMIN_API_TIMEOUT_MS), no retries.
    const admin = new AdminGateway(shop, accessToken, { maxAttempts: 1 });
    const theme = await fetchMainThemeSettings(admin);
    if (!theme?.settingsData) return { status: "unknown" };
    return { status: tallyEmbedEnabled(theme.settingsData) ? "on" : "off", themeName: theme.name };
  } catch (error) {
    console.error("Could not check the theme's app embed", error);
    return { status: "unknown" };
  }
}
