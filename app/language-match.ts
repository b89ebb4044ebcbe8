import { SHOPPER_LANGUAGES, type ShopperLanguage } from "./languages";

/**
 * The language Tally speaks for a locale Shopify or a browser names (`fr`, `fr-CA`, `pt_PT`,
 * `ja-JP`): the same tag, else the same language in another region, else English. Any Portuguese
 * gets Brazilian Portuguese, the only Portuguese we write: closer than English for a reader in
 * Portugal.
 */
export function matchLanguage(locale: string | null | undefined): ShopperLanguage {
  const tag = (locale ?? "").trim().replace(/_/g, "-").toLowerCase();
  if (!tag) return "en";
  const exact = SHOPPER_LANGUAGES.find((language) => language.toLowerCase() === tag);
  if (exact) return exact;
  const primary = tag.split("-")[0];
  return SHOPPER_LANGUAGES.find((language) => language.split("-")[0]!.toLowerCase() === primary) ?? "en";
}

/**
 * The first language of an Accept-Language header we speak, by the header's weights; English when
 * it names none of ours.
 */
export function matchAcceptLanguage(header: string | null | undefined): ShopperLanguage {
  const ranked = (header ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const weight = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find(Boolean);
      return { tag: tag.trim(), weight: weight === undefined ? 1 : Number(weight), index };
    })
    .filter(({ tag, weight }) => tag && tag !== "*" && weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of ranked) {
    const language = matchLanguage(tag);
    if (language !== "en" || tag.toLowerCase().startsWith("en")) return language;
  }
  return "en";
}
