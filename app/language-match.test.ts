import { describe, expect, it } from "vitest";
import { matchAcceptLanguage, matchLanguage } from "./language-match";

describe("matchLanguage", () => {
  it("takes a language Tally speaks as it is, whatever its case or separator", () => {
    expect(matchLanguage("fr")).toBe("fr");
    expect(matchLanguage("pt-BR")).toBe("pt-BR");
    expect(matchLanguage("pt_br")).toBe("pt-BR");
    expect(matchLanguage("JA")).toBe("ja");
  });

  it("gives a regional variant its language", () => {
    expect(matchLanguage("fr-CA")).toBe("fr");
    expect(matchLanguage("de-CH")).toBe("de");
    expect(matchLanguage("nl-BE")).toBe("nl");
    expect(matchLanguage("ja-JP")).toBe("ja");
    expect(matchLanguage("pt-PT")).toBe("pt-BR");
  });

  it("falls back to English for a language Tally does not speak, or none", () => {
    expect(matchLanguage("sv")).toBe("en");
    expect(matchLanguage("zh-CN")).toBe("en");
    expect(matchLanguage("")).toBe("en");
    expect(matchLanguage(null)).toBe("en");
  });
});

describe("matchAcceptLanguage", () => {
  it("takes the most wanted language Tally speaks", () => {
    expect(matchAcceptLanguage("sv-SE,sv;q=0.9,de;q=0.8,en;q=0.5")).toBe("de");
    expect(matchAcceptLanguage("en;q=0.4, it;q=0.9")).toBe("it");
  });

  it("keeps English when English comes first, and when nothing matches", () => {
    expect(matchAcceptLanguage("en-GB,fr;q=0.8")).toBe("en");
    expect(matchAcceptLanguage("sv, zh")).toBe("en");
    expect(matchAcceptLanguage(null)).toBe("en");
  });
});
