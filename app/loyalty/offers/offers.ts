import type { Offers, Program } from "~/loyalty/program/program";
import { bonusEventsRunning } from "~/loyalty/points/earning";

/**
 * Personal offers Tally makes on its own, as rules (docs/offers.md):
 * - a win-back offer: a member inactive for `inactiveDays` — no paid order and no enrolment in that
 *   time — earns `multiplier`× on orders placed in the next `durationDays`; at most one offer per
 *   `inactiveDays`, so a member who stays away is asked again only after as long again;
 * - a bonus event is announced (Flow) once, when it starts.
 */

const DAY_MS = 86_400_000;

export const WIN_BACK = "win_back";

/** A win-back pass at `now`: whom it reaches and the offer it makes. */
export interface WinBackPass {
  /** Members with no paid order, no enrolment and no win-back offer since this moment are due. */
  inactiveSince: Date;
  multiplier: number;
  startsAt: Date;
  endsAt: Date;
}

/** The pass to run at `now`, or null when the program makes no win-back offers. */
export function winBackPass(program: Pick<Program, "enabled" | "offers">, now: Date): WinBackPass | null {
  const winBack: Offers["winBack"] = program.offers.winBack;
  if (!program.enabled || !winBack.enabled) return null;
  return {
    inactiveSince: new Date(now.getTime() - winBack.inactiveDays * DAY_MS),
    multiplier: winBack.multiplier,
    startsAt: now,
    endsAt: new Date(now.getTime() + winBack.durationDays * DAY_MS),
  };
}

/** A running offer, as an order or the shopper's view sees it. */
export interface RunningOffer {
  multiplier: number;
  startsAt: Date;
  endsAt: Date;
}

/** The strongest offer running at `at` (offers of one kind do not compound), or null. */
export function offerAt<T extends RunningOffer>(offers: T[], at: Date): T | null {
  let best: T | null = null;
  for (const offer of offers) {
    if (offer.startsAt > at || offer.endsAt <= at) continue;
    if (!best || offer.multiplier > best.multiplier) best = offer;
  }
  return best;
}

/** A bonus event is announced only in its first day: later (Tally was down, the event was saved late) it is old news. */
export const ANNOUNCE_WITHIN_MS = DAY_MS;

type BonusEvent = Program["earning"]["bonusEvents"][number];

/** The bonus events to announce at `now`: running, and started within ANNOUNCE_WITHIN_MS. */
export function bonusEventsToAnnounce(program: Program, now: Date): BonusEvent[] {
  if (!program.enabled) return [];
  return bonusEventsRunning(program, now).filter(
    (event) => now.getTime() - Date.parse(event.startsAt) < ANNOUNCE_WITHIN_MS,
  );
}

/** The announcement's key: an event is its name and start (the program has no event ids). */
export const bonusEventKey = (event: Pick<BonusEvent, "name" | "startsAt">) =>
  `bonus-event:${new Date(event.startsAt).toISOString()}:${event.name}`;

/** The Flow payload's "Tiers": the event's tiers by name, joined ("" for everyone). */
export function bonusEventTierNames(program: Pick<Program, "tiers">, event: Pick<BonusEvent, "tierIds">): string {
  return event.tierIds.map((id) => program.tiers.levels.find((level) => level.id === id)?.name ?? id).join(", ");
}
