import { BlockStack, FormLayout, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { useTranslation } from "~/i18n";
import { SHOPPER_LANGUAGES, type ShopperLanguage } from "~/languages";

type NameTranslations = Partial<Record<ShopperLanguage, { name: string }>>;

/** Sets (or, when emptied, removes) one language's name; no translations left, no field at all. */
export function setTranslatedName(item: { translations?: NameTranslations }, language: ShopperLanguage, name: string) {
  const translations: NameTranslations = { ...item.translations };
  if (name) translations[language] = { name };
  else delete translations[language];
  if (Object.keys(translations).length) item.translations = translations;
  else delete item.translations;
}

/**
 * "Translations": a reward's or tier's name in the shoppers' languages, one language at a time.
 * A shopper reading a language without one sees the default name.
 */
export function NameTranslations({
  translations,
  defaultName,
  errorFor,
  onChange,
}: {
  translations: NameTranslations | undefined;
  defaultName: string;
  errorFor: (language: ShopperLanguage) => string | undefined;
  onChange: (language: ShopperLanguage, name: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const [language, setLanguage] = useState<ShopperLanguage>(
    () => SHOPPER_LANGUAGES.find((candidate) => candidate !== i18n.language) ?? "fr",
  );
  const languageName = new Intl.DisplayNames([i18n.language], { type: "language" });
  const options = SHOPPER_LANGUAGES.map((value) => {
    const label = languageName.of(value) ?? value;
    return { value, label: translations?.[value] ? t("translations.translated", { language: label }) : label };
  });
  return (
    <BlockStack gap="200">
      <Text as="h2" variant="headingSm">
        {t("translations.title")}
      </Text>
      <Text as="p" tone="subdued">
        {t("translations.help", { name: defaultName })}
      </Text>
      <FormLayout>
        <FormLayout.Group>
          <Select
            label={t("translations.language")}
            options={options}
            value={language}
            onChange={(value) => setLanguage(value as ShopperLanguage)}
          />
          <TextField
            label={t("translations.name", { language: languageName.of(language) ?? language })}
            autoComplete="off"
            value={translations?.[language]?.name ?? ""}
            placeholder={defaultName}
            error={errorFor(language)}
            onChange={(name) => onChange(language, name)}
          />
        </FormLayout.Group>
      </FormLayout>
    </BlockStack>
  );
}
