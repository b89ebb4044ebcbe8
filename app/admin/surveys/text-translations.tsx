import { FormLayout, Select, TextField } from "@shopify/polaris";
import { useState } from "react";
import { useTranslation } from "~/i18n";
import { SHOPPER_LANGUAGES, type ShopperLanguage } from "~/languages";

type TextTranslationsValue = Partial<Record<ShopperLanguage, { text: string }>>;

/**
 * A survey text (the NPS question, a question) in the shoppers' languages, one language at a time,
 * as NameTranslations does for names. An emptied language is removed; none left, no field at all.
 */
export function TextTranslations({
  label,
  translations,
  defaultText,
  errorFor,
  onChange,
}: {
  label: (language: string) => string;
  translations: TextTranslationsValue | undefined;
  defaultText: string;
  errorFor: (language: ShopperLanguage) => string | undefined;
  onChange: (translations: TextTranslationsValue | undefined) => void;
}) {
  const { t, i18n } = useTranslation();
  const [language, setLanguage] = useState<ShopperLanguage>(
    () => SHOPPER_LANGUAGES.find((candidate) => candidate !== i18n.language) ?? "fr",
  );
  const languageName = new Intl.DisplayNames([i18n.language], { type: "language" });
  const options = SHOPPER_LANGUAGES.map((value) => {
    const name = languageName.of(value) ?? value;
    return { value, label: translations?.[value] ? t("translations.translated", { language: name }) : name };
  });
  const set = (text: string) => {
    const next: TextTranslationsValue = { ...translations };
    if (text) next[language] = { text };
    else delete next[language];
    onChange(Object.keys(next).length ? next : undefined);
  };
  return (
    <FormLayout.Group>
      <Select
        label={t("translations.language")}
        options={options}
        value={language}
        onChange={(value) => setLanguage(value as ShopperLanguage)}
      />
      <TextField
        label={label(languageName.of(language) ?? language)}
        autoComplete="off"
        value={translations?.[language]?.text ?? ""}
        placeholder={defaultText}
        error={errorFor(language)}
        onChange={set}
      />
    </FormLayout.Group>
  );
}
