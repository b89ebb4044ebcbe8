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

const ENGLISH = ADMIN_LOCALES["./locales/en.json"]!;
const catalogs = new Map<ShopperLanguage, AdminMessages>();

/**
 * What the admin page needs to speak `language`: our strings (English filling any key the
 * language lacks) and Polaris's own (its buttons, pagination, date pickers; null for English,
 * which Polaris's bundle has). Only the chosen language travels to the browser: its bundle holds
 * no strings (docs/benchmark.md).
 */
export function adminTranslations(language: ShopperLanguage) {
  let messages = catalogs.get(language);
  if (!messages) {
    const own = ADMIN_LOCALES[`./locales/${language}.json`];
    messages = own && language !== "en" ? withFallback(own, ENGLISH) : ENGLISH;
    catalogs.set(language, messages);
  }
  return { messages, polaris: language === "en" ? null : POLARIS[language] };
}

/** `messages` with every key only `fallback` has; a language's own plural forms stay. */
function withFallback(messages: AdminMessages, fallback: AdminMessages): AdminMessages {
  const merged: AdminMessages = { ...fallback, ...messages };
  for (const [key, value] of Object.entries(messages)) {
    const other = fallback[key];
    if (typeof value === "object" && typeof other === "object") merged[key] = withFallback(value, other);
  }
  return merged;
}
