import type { Goal } from "~/loyalty/program/program";

/**
 * The goals form's conversions: the merchant types a percentage and picks days; the program keeps
 * basis points and instants, a goal running from its first day's start to its last day's end (UTC).
 */

const DAY_MS = 86_400_000;
/** A new goal runs for this many days from today. */
const NEW_GOAL_DAYS = 30;

/** A typed percentage (35.5) as basis points (3550); NaN (null in the JSON sent) when empty, for the server to refuse. */
export const basisPoints = (percent: number | null) => (percent === null ? Number.NaN : Math.round(percent * 100));

export const percentOf = (target: number) => (Number.isFinite(target) ? target / 100 : null);

/** The goal's last day (YYYY-MM-DD): the day before its exclusive end, or the end's day when it is not midnight. */
export const lastDay = (endsAt: string) => {
  const end = Date.parse(endsAt);
  return Number.isNaN(end) ? "" : new Date(end - 1).toISOString().slice(0, 10);
};

/** The exclusive end of a goal whose last day is `day`: the next day's start; "" (refused) when empty. */
export const endAfterDay = (day: string) =>
  day ? new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS).toISOString() : "";

/** A new goal: the next free id, a 30% repeat rate over 30 days from today. */
export function newGoal(goals: Goal[], now: Date): Goal {
  const ids = new Set(goals.map((goal) => goal.id));
  let index = goals.length + 1;
  while (ids.has(`goal-${index}`)) index++;
  const today = Date.parse(now.toISOString().slice(0, 10));
  return {
    id: `goal-${index}`,
    metric: "repeat_rate",
    target: 3000,
    startsAt: new Date(today).toISOString(),
    endsAt: new Date(today + NEW_GOAL_DAYS * DAY_MS).toISOString(),
  };
}
