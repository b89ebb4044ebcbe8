import { FormLayout, Select, TextField } from "@shopify/polaris";
import { useState } from "react";
import { useTranslation } from "~/i18n";
import { SHOPPER_LANGUAGES, type ShopperLanguage } from "~/languages";
import type { Cause } from "~/loyalty/program/program";

type CauseTranslationsValue = NonNullable<Cause["translations"]>;

/**
 * A cause's name and description in the shoppers' languages, one language at a time, as
 * NameTranslations does for names: a language holds both (the program says so); emptied, it goes.
 */
export function CauseTranslations({
  cause,
  errorFor,
  onChange,
}: {
  cause: Cause;
  errorFor: (field: string) => string | undefined;
  onChange: (translations: CauseTranslationsValue | undefined) => void;
}) {
  const { t, i18n } = useTranslation();
  const [language, setLanguage] = useState<ShopperLanguage>(
    () => SHOPPER_LANGUAGES.find((candidate) => candidate !== i18n.language) ?? "fr",
  );
  const languageName = new Intl.DisplayNames([i18n.language], { type: "language" });
  const options = SHOPPER_LANGUAGES.map((value) => {
    const name = languageName.of(value) ?? value;
    return { value, label: cause.translations?.[value] ? t("translations.translated", { language: name }) : name };
  });
  const current = cause.translations?.[language] ?? { name: "", description: "" };
  const set = (change: Partial<typeof current>) => {
    const next: CauseTranslationsValue = { ...cause.translations };
    const entry = { ...current, ...change };
    if (entry.name || entry.description) next[language] = entry;
    else delete next[language];
    onChange(Object.keys(next).length ? next : undefined);
  };
  const name = languageName.of(language) ?? language;
  return (
    <FormLayout>
      <FormLayout.Group>
        <Select
          label={t("translations.language")}
          options={options}
          value={language}
          onChange={(value) => setLanguage(value as ShopperLanguage)}
        />
        <TextField
          label={t("giving.causes.nameIn", { language: name })}
          autoComplete="off"
          value={current.name}
          placeholder={cause.name}
          error={errorFor(`translations.${language}.name`)}
          onChange={(value) => set({ name: value })}
        />
      </FormLayout.Group>
      <TextField
        label={t("giving.causes.descriptionIn", { language: name })}
        autoComplete="off"
        multiline={2}
        value={current.description}
        placeholder={cause.description}
        error={errorFor(`translations.${language}.description`)}
        onChange={(value) => set({ description: value })}
      />
    </FormLayout>
  );
}
