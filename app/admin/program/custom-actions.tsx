import { BlockStack, Button, Card, FormLayout, InlineStack, Text, TextField } from "@shopify/polaris";
import { NumberField } from "~/admin/common/fields";
import type { ProgramEditor } from "~/admin/common/program-editor";
import { useTranslation } from "~/i18n";

/** Points for things outside orders (a review, a follow), awarded through POST /api/actions. */
export function CustomActions({ editor }: { editor: ProgramEditor }) {
  const { t } = useTranslation();
  const actions = editor.draft.earning.customActions;
  const path = (index: number, field: string) => `earning.customActions.${index}.${field}`;
  return (
    <Card>
      <BlockStack gap="400">
        {actions.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("program.actions.none")}
          </Text>
        ) : null}
        {editor
          .issuesUnder("earning.customActions")
          .filter((issue) => issue.path === "earning.customActions")
          .map((issue) => (
            <Text as="p" tone="critical" key={issue.message}>
              {issue.message}
            </Text>
          ))}
        {actions.map((action, index) => (
          <FormLayout key={index}>
            <FormLayout.Group>
              <TextField
                label={t("program.actions.name")}
                autoComplete="off"
                value={action.name}
                error={editor.errorFor(path(index, "name"))}
                onChange={(name) => editor.update((p) => void (p.earning.customActions[index]!.name = name))}
              />
              <TextField
                label={t("program.actions.key")}
                helpText={t("program.actions.keyHelp")}
                autoComplete="off"
                value={action.key}
                error={editor.errorFor(path(index, "key"))}
                onChange={(key) => editor.update((p) => void (p.earning.customActions[index]!.key = key))}
              />
            </FormLayout.Group>
            <FormLayout.Group>
              <NumberField
                label={t("program.actions.points")}
                value={action.points}
                error={editor.errorFor(path(index, "points"))}
                onChange={(value) => editor.update((p) => void (p.earning.customActions[index]!.points = value ?? 0))}
              />
              <NumberField
                label={t("program.actions.limit")}
                helpText={t("program.actions.limitHelp")}
                value={action.limitPerCustomer}
                error={editor.errorFor(path(index, "limitPerCustomer"))}
                onChange={(value) =>
                  editor.update((p) => void (p.earning.customActions[index]!.limitPerCustomer = value))
                }
              />
            </FormLayout.Group>
            <InlineStack align="end">
              <Button
                variant="plain"
                tone="critical"
                onClick={() => editor.update((p) => void p.earning.customActions.splice(index, 1))}
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
                  void p.earning.customActions.push({
                    key: `action-${p.earning.customActions.length + 1}`,
                    name: t("program.actions.defaultName"),
                    points: 50,
                    limitPerCustomer: 1,
                    limitPerDay: null,
                    claimable: false,
                    url: null,
                    verifiedBy: null,
                  }),
              )
            }
          >
            {t("program.actions.add")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
