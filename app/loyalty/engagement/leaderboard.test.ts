import { describe, expect, it } from "vitest";
import { leaderboardBody, leaderboardMonth, leaderboardName, nicknameSchema } from "./leaderboard";

describe("leaderboard names", () => {
  it("shows the nickname, else first name and initial, else nothing", () => {
    expect(leaderboardName({ leaderboardName: "Speedy", firstName: "Ann", lastName: "Lee" })).toBe("Speedy");
    expect(leaderboardName({ leaderboardName: null, firstName: "Ann", lastName: "lee" })).toBe("Ann L.");
    expect(leaderboardName({ leaderboardName: null, firstName: "Ann", lastName: null })).toBe("Ann");
    expect(leaderboardName({ leaderboardName: null, firstName: null, lastName: "Lee" })).toBeNull();
  });

  it("accepts a short plain nickname in any script, trimmed and with spaces collapsed", () => {
    expect(nicknameSchema.parse("  Zoë   the_fan ")).toBe("Zoë the_fan");
    expect(nicknameSchema.parse("さくら")).toBe("さくら");
  });

  it("refuses markup, links, a single letter and anything over 20 characters", () => {
    for (const bad of ["<b>x</b>", "a", "https://spam.example", "x".repeat(21), "-dash", "a\u0000b", "😀😀"]) {
      expect(nicknameSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it("takes { optIn, nickname? } and nothing else", () => {
    expect(leaderboardBody.safeParse({ optIn: true }).success).toBe(true);
    expect(leaderboardBody.safeParse({ optIn: "yes" }).success).toBe(false);
    expect(leaderboardBody.safeParse({ optIn: true, extra: 1 }).success).toBe(false);
  });

  it("covers the calendar month in UTC", () => {
    expect(leaderboardMonth(new Date("2026-12-31T23:59:59Z"))).toEqual({
      start: new Date("2026-12-01T00:00:00Z"),
      label: "2026-12",
    });
  });
});
