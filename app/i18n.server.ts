import type { AppProviderProps } from "@shopify/polaris";
import polarisDe from "@shopify/polaris/locales/de.json";
import polarisEs from "@shopify/polaris/locales/es.json";
import polarisFr from "@shopify/polaris/locales/fr.json";
import polarisIt from "@shopify/polaris/locales/it.json";
import polarisJa from "@shopify/polaris/locales/ja.json";
import polarisNl from "@shopify/polaris/locales/nl.json";
import polarisPtBr from "@shopify/polaris/locales/pt-BR.json";
import type { AdminMessages } from "./i18n";
import type { ShopperLanguage } from "./languages";

// Every app/locales/<lang>.json there is: a language whose file is missing falls back to English.
const ADMIN_LOCALES = import.meta.glob<AdminMessages>("./locales/*.json", { eager: true, import: "default" });

const POLARIS: Record<Exclude<ShopperLanguage, "en">, AppProviderProps["i18n"]> = {
  fr: polarisFr,
  de: polarisDe,
  es: polarisEs,
  it: polarisIt,
  nl: polarisNl,
  "pt-BR": polarisPtBr,
  ja: polarisJa,
};

/**
 * What the admin page needs to speak `language`: our strings and Polaris's own (its
 * buttons, pagination, date pickers); null for English, which the browser bundle has. Only the chosen
 * language travels to the browser.
 */
export function adminTranslations(language: ShopperLanguage) {
  if (language === "en") return { messages: null, polaris: null };
  return { messages: ADMIN_LOCALES[`./locales/${language}.json`] ?? null, polaris: POLARIS[language] };
}
