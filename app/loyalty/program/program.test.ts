import { describe, expect, it } from "vitest";
import {
  defaultProgram,
  MAX_MATCH_VALUES,
  MAX_POINTS,
  MAX_PRODUCT_RULES,
  nameIn,
  parseProgram,
  type Program,
} from "./program";

const changed = (change: (program: Program) => void): unknown => {
  const program = structuredClone(defaultProgram());
  change(program);
  return program;
};
const pathsOf = (input: unknown) => {
  const parsed = parseProgram(input);
  return parsed.ok ? [] : parsed.issues.map((issue) => issue.path);
};
const rule = (tags: string[], multiplier = 2) => ({
  name: "",
  match: { productIds: [], collectionIds: [], tags, productTypes: [] },
  multiplier,
});

describe("program bounds: nothing a program allows can overflow a balance or slow a storefront", () => {
  it("refuses any points value above MAX_POINTS", () => {
    expect(pathsOf(changed((p) => void (p.earning.signup.points = MAX_POINTS + 1)))).toEqual(["earning.signup.points"]);
    expect(pathsOf(changed((p) => void (p.earning.birthday.points = MAX_POINTS + 1)))).toEqual([
      "earning.birthday.points",
    ]);
    expect(
      pathsOf(changed((p) => void (p.referrals.referrerReward = { type: "points", points: MAX_POINTS + 1 }))),
    ).toEqual(["referrals.referrerReward.points"]);
    expect(
      pathsOf(changed((p) => void ((p.rewards[0] as { pointsCost: number }).pointsCost = MAX_POINTS + 1))),
    ).toEqual(["rewards.0.pointsCost"]);
    expect(
      pathsOf(
        changed(
          (p) =>
            void (p.tiers.levels = [
              { id: "gold", name: "Gold", threshold: 10, earnMultiplier: 1, entryBonusPoints: MAX_POINTS + 1 },
            ]),
        ),
      ),
    ).toEqual(["tiers.levels.0.entryBonusPoints"]);
    expect(
      pathsOf(
        changed(
          (p) =>
            void (p.earning.customActions = [
              {
                key: "review",
                name: "Review",
                points: MAX_POINTS + 1,
                limitPerCustomer: 1,
                limitPerDay: null,
                claimable: false,
                url: null,
                verifiedBy: null,
              },
            ]),
        ),
      ),
    ).toEqual(["earning.customActions.0.points"]);
    expect(pathsOf(changed((p) => void (p.earning.signup.points = MAX_POINTS)))).toEqual([]);
  });

  it("refuses a rate that, with every multiplier, exceeds 10,000 points per currency unit", () => {
    const tooRich = changed((p) => {
      p.earning.order.pointsPerCurrencyUnit = 1000;
      p.earning.order.productRules = [rule(["vip"], 20)];
    });
    expect(pathsOf(tooRich)).toEqual(["earning.order.pointsPerCurrencyUnit"]);
    const atTheBound = changed((p) => {
      p.earning.order.pointsPerCurrencyUnit = 100;
      p.earning.order.productRules = [rule(["vip"], 10)];
      p.tiers.levels = [{ id: "gold", name: "Gold", threshold: 10, earnMultiplier: 10, entryBonusPoints: 0 }];
    });
    expect(pathsOf(atTheBound)).toEqual([]);
  });

  it("bounds every list and string: rules, tags, the whole document", () => {
    expect(
      pathsOf(
        changed(
          (p) => void (p.earning.order.productRules = Array.from({ length: MAX_PRODUCT_RULES + 1 }, () => rule(["a"]))),
        ),
      ),
    ).toEqual(["earning.order.productRules"]);
    const tags = Array.from({ length: MAX_MATCH_VALUES + 1 }, (_, i) => `tag-${i}`);
    expect(pathsOf(changed((p) => void (p.earning.order.productRules = [rule(tags)])))).toEqual([
      "earning.order.productRules.0.match.tags",
    ]);
    expect(pathsOf(changed((p) => void (p.earning.order.productRules = [rule(["x".repeat(256)])])))).toEqual([
      "earning.order.productRules.0.match.tags.0",
    ]);
    // Issue 15's document: 5,000 rules × 100 tags, 7 MB.
    const huge = changed(
      (p) =>
        void (p.earning.order.productRules = Array.from({ length: 5_000 }, (_, r) =>
          rule(Array.from({ length: 100 }, (_, t) => `collection-tag-${r}-${t}`)),
        )),
    );
    const parsed = parseProgram(huge);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.issues[0]!.message).toMatch(/at most 256 KB/);
  });
});

describe("the merchant's own words in the shoppers' languages", () => {
  const withTranslations = (rewardTranslations: unknown, tierTranslations: unknown = undefined) => {
    const program = defaultProgram();
    program.tiers.levels = [{ id: "gold", name: "Gold", threshold: 100, earnMultiplier: 1, entryBonusPoints: 0 }];
    return {
      ...program,
      rewards: [{ ...program.rewards[0], translations: rewardTranslations }],
      tiers: { ...program.tiers, levels: [{ ...program.tiers.levels[0], translations: tierTranslations }] },
    };
  };

  it("keeps a reward's and a tier's names per language, and shows each shopper theirs or the default", () => {
    const parse = parseProgram(
      withTranslations(
        { fr: { name: "5 € de remise" }, "pt-BR": { name: "5 de desconto" } },
        { ja: { name: "ゴールド" } },
      ),
    );
    expect(parse.ok).toBe(true);
    if (!parse.ok) return;
    const [reward] = parse.program.rewards;
    expect(nameIn(reward!, "fr")).toBe("5 € de remise");
    expect(nameIn(reward!, "pt-BR")).toBe("5 de desconto");
    expect(nameIn(reward!, "de")).toBe("5 off");
    expect(nameIn(parse.program.tiers.levels[0]!, "ja")).toBe("ゴールド");
  });

  it("refuses a language shoppers are not offered, an empty or overlong name, and unknown fields", () => {
    expect(pathsOf(withTranslations({ sv: { name: "5 rabatt" } }))).toEqual(["rewards.0.translations"]);
    expect(pathsOf(withTranslations({ fr: { name: "" } }))).toEqual(["rewards.0.translations.fr.name"]);
    expect(pathsOf(withTranslations({ fr: { name: "x".repeat(101) } }))).toEqual(["rewards.0.translations.fr.name"]);
    expect(pathsOf(withTranslations({}, { fr: { name: "x".repeat(61) } }))).toEqual([
      "tiers.levels.0.translations.fr.name",
    ]);
    expect(pathsOf(withTranslations({ fr: { name: "Remise", codePrefix: "X" } }))).toEqual([
      "rewards.0.translations.fr",
    ]);
  });
});
