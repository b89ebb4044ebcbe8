import { serverEnvironment } from "~/config/env.server";
import prisma from "~/db.server";
import { onboardingProgress, onboardingVisible, type OnboardingStep } from "~/loyalty/program/onboarding";
import { readOnboarding } from "~/loyalty/program/onboarding.server";
import type { ThemeEmbedCheck } from "~/loyalty/program/theme-embed";
import { checkThemeEmbed } from "~/loyalty/program/theme-embed.server";
import { sandboxShop } from "~/shopify/session-token.server";
import { storefrontUrl, themeEmbedActivationUrl } from "~/shopify/theme-editor";

export interface OnboardingCardData {
  progress: Record<OnboardingStep, boolean>;
  embed: ThemeEmbedCheck;
  /** Shopify's theme editor, opened on the app embeds with Tally's switched on, ready to save. */
  themeEditorUrl: string;
  /** The store as shoppers see it (in the sandbox, its local storefront preview). */
  storefrontUrl: string;
}

/**
 * The home page's checklist, its widget step checked against the published theme as it is now;
 * null once dismissed (then Shopify is not asked) or every step is done.
 */
export async function homeOnboarding(
  shop: { id: string; domain: string },
  session: { shop: string; accessToken?: string },
): Promise<OnboardingCardData | null> {
  const state = await readOnboarding(prisma, shop.id);
  if (state.dismissedAt) return null;
  const embed = await checkThemeEmbed(session.shop, session.accessToken ?? "");
  const progress = onboardingProgress(state, embed);
  if (!onboardingVisible(progress)) return null;
  return {
    progress,
    embed,
    themeEditorUrl: themeEmbedActivationUrl(shop.domain, serverEnvironment().SHOPIFY_API_KEY),
    storefrontUrl: storefrontUrl(shop.domain, sandboxShop() === shop.domain),
  };
}
