import i18next, { type TFunction } from "i18next";
import { SHOPPER_LANGUAGES, type ShopperLanguage } from "~/languages";
import de from "./de.json";
import en from "./en.json";
import es from "./es.json";
import fr from "./fr.json";
import it from "./it.json";
import ja from "./ja.json";
import nl from "./nl.json";
import ptBR from "./pt-BR.json";

/**
 * The words the server says to shoppers (API error messages, ledger entry labels) and the Flow
 * payload texts a shop's workflows pass on to them, in each of the languages shoppers read: one catalogue per language, each section an i18next namespace.
 * Typed against English, so a catalogue that lacks a key does not compile.
 */
export type ShopperCatalogue = typeof en;
export const SHOPPER_CATALOGUES: Record<ShopperLanguage, ShopperCatalogue> = {
  en,
  fr,
  de,
  es,
  it,
  nl,
  "pt-BR": ptBR,
  ja,
};

const catalogue = i18next.createInstance();
void catalogue.init({
  resources: Object.fromEntries(SHOPPER_LANGUAGES.map((language) => [language, SHOPPER_CATALOGUES[language]])),
  ns: Object.keys(en),
  fallbackLng: "en",
  initAsync: false,
  interpolation: { escapeValue: false },
});

/** A section's words in one language; fixed per call, so concurrent requests never share a language. */
export function shopperText(language: ShopperLanguage, section: keyof ShopperCatalogue): TFunction {
  return catalogue.getFixedT(language, section);
}
