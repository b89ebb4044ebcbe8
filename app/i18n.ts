import i18next, { type i18n as I18n } from "i18next";
import { I18nextProvider, initReactI18next, useTranslation } from "react-i18next";
import type { ShopperLanguage } from "./languages";
import en from "./locales/en.json";

/** One language's admin strings, as app/locales/<lang>.json holds them. */
export type AdminMessages = { [key: string]: string | AdminMessages };

const OPTIONS = { fallbackLng: "en", initAsync: false, interpolation: { escapeValue: false } } as const;

/**
 * The admin's strings, English first: every merchant-facing string is a key in
 * app/locales/<lang>.json. English is bundled; another language's strings come with the page
 * (app/routes/app.tsx) and a key they lack falls back to English.
 *
 * Each render gets its own instance: concurrent server renders in different languages would race
 * on one shared instance's language.
 */
export function createAdminI18n(language: ShopperLanguage, messages: AdminMessages | null): I18n {
  const instance = i18next.createInstance();
  const resources = { en: { translation: en }, ...(messages ? { [language]: { translation: messages } } : {}) };
  void instance.init({ ...OPTIONS, resources, lng: language });
  return instance;
}

// Outside an I18nextProvider (the login page) components read this English instance.
void i18next.use(initReactI18next).init({ ...OPTIONS, resources: { en: { translation: en } }, lng: "en" });

export { I18nextProvider, useTranslation };
