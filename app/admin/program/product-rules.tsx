import { BlockStack, Button, Card, FormLayout, InlineStack, Text, TextField } from "@shopify/polaris";
import { NumberField } from "~/admin/common/fields";
import type { ProgramEditor } from "~/admin/common/program-editor";
import { useTranslation } from "~/i18n";

const listText = (values: string[]) => values.join(", ");
const textList = (text: string) =>
  text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
const MATCH_FIELDS = ["tags", "productTypes", "productIds", "collectionIds"] as const;

/** Multipliers per product (0 excludes): by tag, product type, product or collection id. */
export function ProductRules({ editor }: { editor: ProgramEditor }) {
  const { t } = useTranslation();
  const rules = editor.draft.earning.order.productRules;
  const path = (index: number, field: string) => `earning.order.productRules.${index}.${field}`;
  return (
    <Card>
      <BlockStack gap="400">
        {rules.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("program.products.none")}
          </Text>
        ) : null}
        {rules.map((rule, index) => (
          <FormLayout key={index}>
            <FormLayout.Group>
              <TextField
                label={t("program.products.name")}
                autoComplete="off"
                value={rule.name}
                onChange={(name) => editor.update((p) => void (p.earning.order.productRules[index]!.name = name))}
              />
              <NumberField
                label={t("program.products.multiplier")}
                helpText={t("program.products.multiplierHelp")}
                value={rule.multiplier}
                error={editor.errorFor(path(index, "multiplier"))}
                onChange={(value) =>
                  editor.update((p) => void (p.earning.order.productRules[index]!.multiplier = value ?? 0))
                }
              />
            </FormLayout.Group>
            <FormLayout.Group>
              {MATCH_FIELDS.map((field) => (
                <TextField
                  key={field}
                  label={t(`program.products.match.${field}`)}
                  autoComplete="off"
                  value={listText(rule.match[field])}
                  error={field === "tags" ? editor.errorFor(path(index, "match")) : undefined}
                  onChange={(text) =>
                    editor.update((p) => void (p.earning.order.productRules[index]!.match[field] = textList(text)))
                  }
                />
              ))}
            </FormLayout.Group>
            <InlineStack align="end">
              <Button
                variant="plain"
                tone="critical"
                onClick={() => editor.update((p) => void p.earning.order.productRules.splice(index, 1))}
              >
                {t("common.remove")}
              </Button>
            </InlineStack>
          </FormLayout>
        ))}
        <InlineStack>
          <Button
            onClick={() =>
              editor.update(
                (p) =>
                  void p.earning.order.productRules.push({
                    name: t("program.products.defaultName"),
                    match: { productIds: [], collectionIds: [], tags: [], productTypes: [] },
                    multiplier: 2,
                  }),
              )
            }
          >
            {t("program.products.add")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
