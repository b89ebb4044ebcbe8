import type { Prisma, PrismaClient } from "@prisma/client";
import { onboardingState, type OnboardingState, type OnboardingStep } from "./onboarding";
import { checkThemeEmbed } from "./theme-embed.server";

export async function readOnboarding(db: PrismaClient, shopId: string): Promise<OnboardingState> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { onboarding: true } });
  return onboardingState.parse(shop.onboarding);
}

/** Marks steps done (the first time only, so the date stays when it happened). */
export async function completeOnboarding(
  db: PrismaClient | Prisma.TransactionClient,
  shopId: string,
  steps: OnboardingStep[],
  now = new Date(),
) {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { onboarding: true } });
  const state = onboardingState.parse(shop.onboarding);
  const missing = steps.filter((step) => !state.completed[step]);
  if (!missing.length) return state;
  for (const step of missing) state.completed[step] = now.toISOString();
  await db.shop.update({ where: { id: shopId }, data: { onboarding: state as Prisma.InputJsonObject } });
  return state;
}

export async function dismissOnboarding(db: PrismaClient, shopId: string, now = new Date()) {
  const state = await readOnboarding(db, shopId);
  await db.shop.update({
    where: { id: shopId },
    data: { onboarding: { ...state, dismissedAt: now.toISOString() } as Prisma.InputJsonObject },
  });
}

/**
 * The merchant opened their store from the checklist. It counts as the preview only when the
 * published theme has the widget on right now (checked again here): otherwise there was nothing
 * of Tally to see. Says whether it counted.
 */
export async function recordStorePreview(
  db: PrismaClient,
  shopId: string,
  session: { shop: string; accessToken?: string },
): Promise<boolean> {
  const embed = await checkThemeEmbed(session.shop, session.accessToken ?? "");
  if (embed.status !== "on") return false;
  await completeOnboarding(db, shopId, ["preview"]);
  return true;
}
