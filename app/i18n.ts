import i18next from "i18next";
import { initReactI18next, useTranslation } from "react-i18next";
import en from "./locales/en.json";

/**
 * The admin's strings, English first: every merchant-facing string is a key in
 * app/locales/<lang>.json. One instance, initialised synchronously, serves the server render
 * and the browser alike.
 */
void i18next.use(initReactI18next).init({
  resources: { en: { translation: en } },
  lng: "en",
  fallbackLng: "en",
  initAsync: false,
  interpolation: { escapeValue: false },
});

export { useTranslation };
export default i18next;
