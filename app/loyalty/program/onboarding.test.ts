import { describe, expect, it } from "vitest";
import { onboardingProgress, onboardingState, onboardingVisible } from "./onboarding";

const saved = onboardingState.parse({
  // "embed" as the old checklist recorded it: on a click, whatever the theme said.
  completed: { program: "2026-11-01T10:00:00Z", reward: "2026-11-01T10:05:00Z", embed: "2026-11-01T10:06:00Z" },
});

describe("the first-run checklist tells the truth", () => {
  it("ticks the widget only while the published theme has the app embed on, whatever was clicked", () => {
    expect(onboardingProgress(saved, { status: "off", themeName: "Dawn" }).embed).toBe(false);
    expect(onboardingProgress(saved, { status: "unknown" }).embed).toBe(false);
    expect(onboardingProgress(saved, { status: "on", themeName: "Dawn" }).embed).toBe(true);
  });

  it("stays until the widget is on and the store was previewed, and comes back when the widget goes off", () => {
    const previewed = onboardingState.parse({ completed: { ...saved.completed, preview: "2026-11-01T10:07:00Z" } });
    expect(onboardingVisible(onboardingProgress(saved, { status: "on", themeName: "Dawn" }))).toBe(true);
    expect(onboardingVisible(onboardingProgress(previewed, { status: "on", themeName: "Dawn" }))).toBe(false);
    expect(onboardingVisible(onboardingProgress(previewed, { status: "off", themeName: "Dawn" }))).toBe(true);
  });
});
