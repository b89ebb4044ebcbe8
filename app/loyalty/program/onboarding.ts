import { z } from "zod";

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

/** The checklist shows until every step is done or the merchant dismisses it. */
export function onboardingVisible(state: OnboardingState): boolean {
  return !state.dismissedAt && ONBOARDING_STEPS.some((step) => !state.completed[step]);
}
