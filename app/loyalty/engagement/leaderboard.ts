import { z } from "zod";

/**
 * The monthly leaderboard's rules: who is shown under which name. Shoppers opt in themselves
 * (off by default) and may choose a nickname; otherwise they appear as first name and initial.
 */

export const NICKNAME_MAX = 20;

/** A nickname: 2–20 letters, digits, spaces and . _ - (no markup, no links), spaces collapsed. */
export const nicknameSchema = z
  .string()
  .transform((text) => text.normalize("NFC").trim().replace(/\s+/g, " "))
  .pipe(
    z
      .string()
      .min(2)
      .max(NICKNAME_MAX)
      .regex(/^[\p{L}\p{N}][\p{L}\p{N}\p{M} ._-]*$/u, "letters, digits, spaces and . _ - only"),
  );

export const leaderboardBody = z
  .object({ optIn: z.boolean(), nickname: nicknameSchema.nullable().optional() })
  .strict();
export type LeaderboardChoice = z.infer<typeof leaderboardBody>;

/** How a member appears: their nickname, else first name and last initial, else null (the client says "a shopper"). */
export function leaderboardName(member: {
  leaderboardName: string | null;
  firstName: string | null;
  lastName: string | null;
}): string | null {
  if (member.leaderboardName) return member.leaderboardName;
  const first = member.firstName?.trim();
  if (!first) return null;
  const initial = member.lastName?.trim().charAt(0);
  return initial ? `${first} ${initial.toUpperCase()}.` : first;
}

/** The month a leaderboard covers (UTC): its first instant and its label "YYYY-MM". */
export function leaderboardMonth(now: Date): { start: Date; label: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { start, label: start.toISOString().slice(0, 7) };
}
