import { describe, expect, it } from "vitest";
import { applyLifecycleCallback, enabledTriggerHandles, FLOW_TRIGGER_HANDLES, FLOW_TRIGGERS } from "./flow-triggers";

const at = (iso: string) => new Date(iso);

describe("Flow lifecycle state", () => {
  it("fires a trigger Flow names by handle or by name, only while enabled", () => {
    expect(
      enabledTriggerHandles({
        "tally-points-earned": { enabled: true, at: "2026-01-01T00:00:00Z" },
        "Loyalty tier changed": { enabled: true, at: "2026-01-01T00:00:00Z" },
        "tally-reward-redeemed": { enabled: false, at: "2026-01-01T00:00:00Z" },
      }),
    ).toEqual([FLOW_TRIGGERS.pointsEarned.handle, FLOW_TRIGGERS.tierChanged.handle]);
  });

  it("an unknown definition id that is enabled fires every trigger; disabled, none", () => {
    expect(enabledTriggerHandles({ "3f1c…": { enabled: true, at: "2026-01-01T00:00:00Z" } })).toEqual(
      FLOW_TRIGGER_HANDLES,
    );
    expect(enabledTriggerHandles({ "3f1c…": { enabled: false, at: "2026-01-01T00:00:00Z" } })).toEqual([]);
  });

  it("a callback older than the state it would replace is ignored; a newer one wins", () => {
    const state = applyLifecycleCallback(
      {},
      { definitionId: "tally-points-earned", enabled: true, at: at("2026-03-01T10:00:00Z") },
    )!;
    expect(
      applyLifecycleCallback(state, {
        definitionId: "tally-points-earned",
        enabled: false,
        at: at("2026-03-01T09:59:59Z"),
      }),
    ).toBeNull();
    expect(
      applyLifecycleCallback(state, {
        definitionId: "tally-points-earned",
        enabled: false,
        at: at("2026-03-01T10:00:01Z"),
      }),
    ).toEqual({
      "tally-points-earned": { enabled: false, at: "2026-03-01T10:00:01.000Z" },
    });
  });
});
