import i18next, { type i18n as I18n } from "i18next";
import { I18nextProvider, useTranslation } from "react-i18next";
import type { ShopperLanguage } from "./languages";

/** One language's admin strings, as app/locales/<lang>.json holds them. */
export type AdminMessages = { [key: string]: string | AdminMessages };

const OPTIONS = { fallbackLng: false, initAsync: false, interpolation: { escapeValue: false } } as const;

/**
 * The admin's strings: every merchant-facing string is a key in app/locales/<lang>.json. The page
 * brings its language's strings (app/routes/app.tsx; English fills what a language lacks), so
 * the browser bundle holds none.
 *
 * Each render gets its own instance: concurrent server renders in different languages would race
 * on one shared instance's language.
 */
export function createAdminI18n(language: ShopperLanguage, messages: AdminMessages): I18n {
  const instance = i18next.createInstance();
  void instance.init({ ...OPTIONS, resources: { [language]: { translation: messages } }, lng: language });
  return instance;
}

export { I18nextProvider, useTranslation };
