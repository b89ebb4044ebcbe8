import { describe, expect, it } from "vitest";
import { defaultProgram, programSchema, type Program } from "~/loyalty/program/program";
import { bonusEventKey, bonusEventsToAnnounce, bonusEventTierNames, offerAt, winBackPass } from "./offers";

const now = new Date("2026-12-01T12:00:00Z");
const DAY_MS = 86_400_000;

const program = (changes: Partial<Program>): Program => programSchema.parse({ ...defaultProgram(), ...changes });
const winBack = (settings: Partial<Program["offers"]["winBack"]>) =>
  program({ offers: { winBack: { ...defaultProgram().offers.winBack, enabled: true, ...settings } } });

describe("the win-back pass", () => {
  it("reaches members inactive for inactiveDays and runs the offer for durationDays from now", () => {
    expect(winBackPass(winBack({ inactiveDays: 60, durationDays: 14, multiplier: 2 }), now)).toEqual({
      inactiveSince: new Date(now.getTime() - 60 * DAY_MS),
      multiplier: 2,
      startsAt: now,
      endsAt: new Date("2026-12-15T12:00:00Z"),
    });
  });

  it("makes no offers when win-back or the program is off", () => {
    expect(winBackPass(winBack({ enabled: false }), now)).toBeNull();
    expect(winBackPass({ ...winBack({}), enabled: false }, now)).toBeNull();
  });
});

describe("the offer running at a moment", () => {
  const offer = (multiplier: number, from: string, to: string) => ({
    multiplier,
    startsAt: new Date(from),
    endsAt: new Date(to),
  });

  it("counts from its start up to, not including, its end", () => {
    const running = offer(2, "2026-12-01T00:00:00Z", "2026-12-15T00:00:00Z");
    expect(offerAt([running], new Date("2026-12-01T00:00:00Z"))).toBe(running);
    expect(offerAt([running], new Date("2026-11-30T23:59:59Z"))).toBeNull();
    expect(offerAt([running], new Date("2026-12-15T00:00:00Z"))).toBeNull();
  });

  it("is the strongest of overlapping offers (they do not compound)", () => {
    const double = offer(2, "2026-12-01T00:00:00Z", "2026-12-15T00:00:00Z");
    const triple = offer(3, "2026-12-05T00:00:00Z", "2026-12-10T00:00:00Z");
    expect(offerAt([double, triple], new Date("2026-12-06T00:00:00Z"))).toBe(triple);
    expect(offerAt([double, triple], new Date("2026-12-12T00:00:00Z"))).toBe(double);
  });
});

describe("bonus event announcements", () => {
  const event = (name: string, startsAt: string, endsAt: string, tierIds: string[] = []) => ({
    name,
    startsAt,
    endsAt,
    multiplier: 2,
    tierIds,
    segmentId: null,
  });
  const withEvents = (events: ReturnType<typeof event>[]) =>
    program({
      earning: { ...defaultProgram().earning, bonusEvents: events },
      tiers: { ...defaultProgram().tiers, levels: [{ id: "gold", name: "Gold", threshold: 100 }] },
    } as Partial<Program>);

  it("announces an event that has started, in its first day only", () => {
    const p = withEvents([
      event("Started", "2026-12-01T11:00:00Z", "2026-12-03T00:00:00Z"),
      event("Tomorrow", "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z"),
      event("Old news", "2026-11-29T00:00:00Z", "2026-12-05T00:00:00Z"),
      event("Over", "2026-12-01T08:00:00Z", "2026-12-01T10:00:00Z"),
    ]);
    expect(bonusEventsToAnnounce(p, now).map((e) => e.name)).toEqual(["Started"]);
    expect(bonusEventsToAnnounce({ ...p, enabled: false }, now)).toEqual([]);
  });

  it("keys an announcement by the event's start and name, and names its tiers", () => {
    const gold = event("Gold days", "2026-12-01T11:00:00+01:00", "2026-12-03T00:00:00Z", ["gold"]);
    expect(bonusEventKey(gold)).toBe("bonus-event:2026-12-01T10:00:00.000Z:Gold days");
    expect(bonusEventTierNames(withEvents([gold]), gold)).toBe("Gold");
    expect(bonusEventTierNames(withEvents([gold]), { tierIds: [] })).toBe("");
  });
});
