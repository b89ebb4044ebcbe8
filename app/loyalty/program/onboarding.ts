import { z } from "zod";
import type { ThemeEmbedCheck } from "./theme-embed";

/** The first-run checklist, in the order the merchant sees it. */
export const ONBOARDING_STEPS = ["program", "reward", "embed", "preview"] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

export const onboardingState = z
  .object({
    completed: z.partialRecord(z.enum(ONBOARDING_STEPS), z.string()).default({}),
    dismissedAt: z.string().nullable().default(null),
  })
  .catch({ completed: {}, dismissedAt: null });
export type OnboardingState = z.infer<typeof onboardingState>;

/**
 * Which steps are done. The program and the first reward once saved; the widget only while the
 * published theme has the app embed on (whatever was clicked); the preview once the merchant
 * opened the store from the checklist while the widget was on.
 */
export function onboardingProgress(state: OnboardingState, embed: ThemeEmbedCheck): Record<OnboardingStep, boolean> {
  return {
    program: Boolean(state.completed.program),
    reward: Boolean(state.completed.reward),
    embed: embed.status === "on",
    preview: Boolean(state.completed.preview),
  };
}

/** The checklist shows until every step is done or the merchant dismisses it. */
export function onboardingVisible(progress: Record<OnboardingStep, boolean>): boolean {
  return ONBOARDING_STEPS.some((step) => !progress[step]);
}
