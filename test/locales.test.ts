import { readFileSync, readdirSync, existsSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SHOPPER_LANGUAGES } from "~/languages";
import { flatten, localeProblems, pluralCategories } from "./support/locale-keys";

/*
 * Every string a shopper (or a merchant) reads exists in each of the shop languages, with the
 * same placeholders and the plurals its language needs. One test per locale file, listing what
 * it lacks. The files, found wherever they live:
 *   extensions/<extension>/locales/<lang>.json         vs en.default.json (theme, checkout, account)
 *   extensions/<extension>/locales/<lang>.schema.json  vs en.default.schema.json (theme editor)
 *   app/<any folder>/<lang>.json                        vs en.json (the admin's locales/, the server's
 *                                                       shopper-text/, any catalogue added later)
 */

type Messages = { [key: string]: string | Messages };

const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Messages;
const TRANSLATED = SHOPPER_LANGUAGES.filter((language) => language !== "en");

/** Every folder under `root` with an English file beside its translations (node_modules aside). */
function localeDirs(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory() || entry.name === "node_modules") return [];
    const dir = path.join(root, entry.name);
    const english = ["en.json", "en.default.json"].some((file) => existsSync(path.join(dir, file)));
    return [...(english ? [dir] : []), ...localeDirs(dir)];
  });
}

/** Each English file and the file each language must have beside it. */
function localeSets(): { english: string; translation: (language: string) => string }[] {
  const sets: { english: string; translation: (language: string) => string }[] = [];
  for (const dir of [...localeDirs("app"), ...localeDirs("extensions")]) {
    for (const [englishName, kind] of [
      ["en.json", ""],
      ["en.default.json", ""],
      ["en.default.schema.json", ".schema"],
    ] as const) {
      const english = path.join(dir, englishName);
      if (existsSync(english))
        sets.push({ english, translation: (language) => path.join(dir, `${language}${kind}.json`) });
    }
  }
  return sets;
}

describe("every shopper language has every string", () => {
  const sets = localeSets();

  it("finds the theme's, the checkout's, the customer account's, the survey's, the POS's and the admin's locale files", () => {
    expect(sets.map((set) => set.english)).toEqual(
      expect.arrayContaining([
        "app/locales/en.json",
        "app/shopper-text/en.json",
        "extensions/tally-theme/locales/en.default.json",
        "extensions/tally-theme/locales/en.default.schema.json",
        "extensions/tally-checkout/locales/en.default.json",
        "extensions/tally-customer-account/locales/en.default.json",
        "extensions/tally-survey/locales/en.default.json",
        "extensions/tally-pos/locales/en.default.json",
      ]),
    );
  });

  for (const set of sets) {
    for (const language of TRANSLATED) {
      const file = set.translation(language);
      it(`${file} matches ${path.basename(set.english)}`, () => {
        expect(existsSync(file) && statSync(file).isFile(), `${file} is missing`).toBe(true);
        expect(localeProblems(read(set.english), read(file), language)).toEqual([]);
      });
    }
  }
});

describe("comparing a translation with English", () => {
  const english = {
    ui: { join: "Join now", points: { one: "{n} point", other: "{n} points" }, tier: "{tier} member" },
    balance: { one: "You have {{points}} point.", other: "You have {{points}} points." },
    orders_one: "{{count}} order",
    orders_other: "{{count}} orders",
  };

  it("accepts a faithful translation, with the plural forms of its own language", () => {
    const french = {
      ui: { join: "Rejoindre", points: { one: "{n} point", other: "{n} points" }, tier: "Membre {tier}" },
      balance: { one: "Vous avez {{points}} point.", other: "Vous avez {{points}} points." },
      orders_one: "{{count}} commande",
      orders_many: "{{count}} de commandes",
      orders_other: "{{count}} commandes",
    };
    const japanese = {
      ui: { join: "参加する", points: { other: "{n} ポイント" }, tier: "{tier}会員" },
      balance: { other: "{{points}} ポイントあります。" },
      orders_other: "{{count}} 件の注文",
    };
    expect(localeProblems(english, french, "fr")).toEqual([]);
    expect(localeProblems(english, japanese, "ja")).toEqual([]);
  });

  it("names each missing, extra or mismatched string", () => {
    const german = {
      ui: { points: { other: "{n} Punkte" }, tier: "Mitglied", bonus: "Bonus" },
      balance: "Sie haben {{points}} Punkte.",
      orders_one: "{{count}} Bestellung",
      orders_other: "{{n}} Bestellungen",
    };
    expect(localeProblems(english, german, "de")).toEqual([
      "missing ui.join",
      'missing ui.points (plural "one" in de)',
      "ui.tier: placeholders  instead of tier",
      "balance: a plural in English",
      "orders_<plural>.other: placeholders n instead of count",
      "extra ui.bonus",
    ]);
    const japanese = { ...english, ui: { ...english.ui, points: { few: "{n} ポイント", other: "{n} ポイント" } } };
    expect(localeProblems(english, japanese, "ja")).toEqual(['extra ui.points (plural "few": not in ja)']);
  });

  it("knows each language's plurals: French 0 and 1 singular, Japanese none", () => {
    expect(pluralCategories("fr").required).toEqual(["one", "other"]);
    expect(pluralCategories("fr").allowed).toContain("many");
    expect(pluralCategories("ja").required).toEqual(["other"]);
    expect(pluralCategories("pt-BR").required).toEqual(["one", "other"]);
    expect([...flatten({ a_one: "x", a_other: "y", b: { c: "z" } }).keys()]).toEqual(["b.c", "a_<plural>"]);
  });
});
