import { describe, expect, it } from "vitest";
import { defaultProgram, type Program } from "~/loyalty/program/program";
import { idFromName, withIdsFromNames } from "./ids";

const tier = (id: string, name: string) => ({ id, name, threshold: 100, earnMultiplier: 1, entryBonusPoints: 0 });

describe("ids from names", () => {
  it("slugs the name, unique with -2, -3", () => {
    expect(idFromName("Tote bag discount!", [], "reward")).toBe("tote-bag-discount");
    expect(idFromName("Café crème", [], "reward")).toBe("cafe-creme");
    expect(idFromName("Gold", ["gold", "gold-2"], "tier")).toBe("gold-3");
    expect(idFromName("ゴールド", [], "tier")).toBe("tier");
  });

  it("names what was added since the last save, never a saved id", () => {
    const saved: Program = defaultProgram();
    saved.tiers.levels = [tier("tier-1", "Silver")];
    const draft = structuredClone(saved);
    draft.rewards[0]!.name = "Renamed"; // saved as five-off: redemptions refer to it
    draft.rewards.push({ ...draft.rewards[0]!, id: "new-reward", name: "5 off" });
    draft.rewards.push({ ...draft.rewards[0]!, id: "new-reward-2", name: "5 off" });
    draft.tiers.levels[0]!.name = "Bronze";
    draft.tiers.levels.push(tier("tier-2", "Silver"));
    const next = withIdsFromNames(draft, saved);
    expect(next.rewards.map((reward) => reward.id)).toEqual(["five-off", "5-off", "5-off-2"]);
    expect(next.tiers.levels.map((level) => level.id)).toEqual(["tier-1", "silver"]);
    expect(draft.rewards[1]!.id).toBe("new-reward");
  });

  it("keeps a removed reward's id out of reach until the removal is saved", () => {
    const saved = defaultProgram();
    const draft = structuredClone(saved);
    draft.rewards = [{ ...saved.rewards[0]!, id: "new-reward", name: "Five off" }];
    expect(withIdsFromNames(draft, saved).rewards[0]!.id).toBe("five-off-2");
  });

  it("names a cause added since the last save, and the default cause follows it", () => {
    const saved = defaultProgram();
    const draft = structuredClone(saved);
    const cause = { description: "", url: null, startsAt: null, endsAt: null };
    draft.giving.causes = [{ ...cause, id: "cause-1", name: "Plant trees" }];
    draft.giving.defaultCauseId = "cause-1";
    const next = withIdsFromNames(draft, saved);
    expect(next.giving.causes.map((item) => item.id)).toEqual(["plant-trees"]);
    expect(next.giving.defaultCauseId).toBe("plant-trees");
  });
});
