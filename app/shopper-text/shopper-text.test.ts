import { describe, expect, it } from "vitest";
import { SHOPPER_LANGUAGES } from "~/languages";
import { SHOPPER_CATALOGUES, shopperText } from "./shopper-text";

const entries = (tree: object, prefix = ""): Array<[string, string]> =>
  Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [[`${prefix}${key}`, value]] : entries(value as object, `${prefix}${key}.`),
  );
const placeholders = (text: string) => [...text.matchAll(/{{(\w+)}}/g)].map((match) => match[1]).sort();

describe("the shopper catalogue", () => {
  const english = new Map(entries(SHOPPER_CATALOGUES.en));

  it.each(SHOPPER_LANGUAGES.filter((language) => language !== "en"))(
    "%s says everything English says, with the same placeholders, in its own words",
    (language) => {
      const translated = new Map(entries(SHOPPER_CATALOGUES[language]));
      expect([...translated.keys()].sort()).toEqual([...english.keys()].sort());
      for (const [key, text] of translated) {
        expect(placeholders(text), `${language} ${key}`).toEqual(placeholders(english.get(key)!));
      }
      // Same as English and more than a word ("Points" is French too): left untranslated.
      const words = (text: string) => text.replace(/{{\w+}}/g, "").match(/\p{L}{2,}/gu)?.length ?? 0;
      const untranslated = [...translated].filter(([key, text]) => text === english.get(key) && words(text) > 1);
      expect(untranslated.map(([key]) => key)).toEqual([]);
    },
  );

  it("answers each request in its own language", () => {
    expect(shopperText("fr", "errors")("insufficient_points", { missing: 50 })).toBe(
      "Il vous manque 50 points pour cette récompense.",
    );
    expect(shopperText("de", "ledger")("earnOrder", { order: "#1001" })).toBe("Für Bestellung #1001 erhalten");
    expect(shopperText("en", "errors")("not_logged_in")).toBe("Sign in to your account to use your points.");
  });
});
