import { describe, expect, it } from "vitest";
import type { Config } from "./tally";
import { badgeSvg, engageHtml, progressText, type EngageChallenge } from "./engage";

const config = { locale: "en", strings: { points_one: "{n} point", points_other: "{n} points" } } as unknown as Config;
const strings = {
  challenges: "Challenges",
  badges: "Badges",
  leaderboard: "This month's leaderboard",
  completed: "Completed",
  progress_orders: "{current} of {target} orders",
  days_left: "{days} days left",
  day_left: "1 day left",
  reward_points: "+{points}",
  of: "{current} of {target}",
  anonymous: "A shopper",
  you: "you",
  your_rank: "Your rank: #{rank} with {points}",
  join: "Join the leaderboard",
  leave: "Leave the leaderboard",
  nickname: "Nickname (optional)",
  empty: "No one yet.",
};
const challenge = (fields: Partial<EngageChallenge> = {}): EngageChallenge => ({
  id: "come-back",
  name: "Come back soon",
  description: "",
  badge: "comeback",
  progress: { current: 1, target: 2, unit: "orders" },
  endsAt: null,
  daysLeft: 12,
  completed: false,
  reward: { type: "points", points: 100 },
  ...fields,
});

describe("the challenges, badges and leaderboard box", () => {
  it("says how far the shopper is and how long is left", () => {
    expect(progressText(strings, challenge())).toBe("1 of 2 orders — 12 days left");
    expect(progressText(strings, challenge({ daysLeft: 1 }))).toBe("1 of 2 orders — 1 day left");
    expect(progressText(strings, challenge({ daysLeft: null }))).toBe("1 of 2 orders");
    expect(
      progressText(strings, challenge({ completed: true, progress: { current: 2, target: 2, unit: "orders" } })),
    ).toBe("Completed");
  });

  it("draws a progress bar, the badge's built-in icon and the reward", () => {
    const html = engageHtml(config, strings, { challenges: [challenge()] });
    expect(html).toContain('<progress max="2" value="1"></progress>');
    expect(html).toContain(badgeSvg("comeback"));
    expect(html).toContain("+100 points");
    // An unknown icon falls back to the star: no markup from the server reaches the page.
    expect(badgeSvg('"><script>')).toBe(badgeSvg("star"));
  });

  it("escapes every name the server sends, nicknames above all", () => {
    const html = engageHtml(config, strings, {
      challenges: [challenge({ name: "<img src=x onerror=alert(1)>", description: "<b>hi</b>" })],
      badges: { earned: [{ id: "x", name: "<i>b</i>", icon: "star", earnedAt: "" }], next: [] },
      leaderboard: {
        optedIn: true,
        nickname: "<script>",
        month: "2026-12",
        top: [
          { rank: 1, name: "<script>alert(1)</script>", points: 300, you: false },
          { rank: 2, name: null, points: 100, you: true },
        ],
        you: { rank: 2, points: 100 },
      },
    });
    expect(html).not.toMatch(/<script|<img|<i>|<b>/);
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(html).toContain("#2 A shopper (you)");
    expect(html).toContain("Your rank: #2 with 100 points");
    expect(html).toContain("Leave the leaderboard");
  });

  it("offers to join, with a nickname, to a shopper who has not", () => {
    const html = engageHtml(config, strings, {
      leaderboard: { optedIn: false, nickname: null, month: "2026-12", top: [], you: null },
    });
    expect(html).toContain("Join the leaderboard");
    expect(html).toContain('name="nickname" maxlength="20"');
    expect(html).toContain("No one yet.");
  });

  it("shows nothing without challenges, badges or a leaderboard", () => {
    expect(engageHtml(config, strings, { challenges: [], badges: { earned: [], next: [] }, leaderboard: null })).toBe(
      "",
    );
  });
});
