import { BlockStack, Button, Card, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { NumberField } from "~/admin/common/fields";
import { NameTranslations, setTranslatedName } from "~/admin/common/name-translations";
import type { ProgramEditor } from "~/admin/common/program-editor";
import { useTranslation } from "~/i18n";

/**
 * Points for things outside orders (a review, a follow), awarded through POST /api/actions, claimed
 * by shoppers themselves (a link they open), or verified by Tally (a newsletter signup).
 */
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
              <NumberField
                label={t("program.actions.limitPerDay")}
                helpText={t("program.actions.limitHelp")}
                value={action.limitPerDay}
                error={editor.errorFor(path(index, "limitPerDay"))}
                onChange={(value) => editor.update((p) => void (p.earning.customActions[index]!.limitPerDay = value))}
              />
            </FormLayout.Group>
            <FormLayout.Group>
              <Select
                label={t("program.actions.earnedBy")}
                options={[
                  { value: "api", label: t("program.actions.earnedByApi") },
                  { value: "claim", label: t("program.actions.earnedByClaim") },
                  { value: "newsletter", label: t("program.actions.earnedByNewsletter") },
                ]}
                value={action.claimable ? "claim" : (action.verifiedBy ?? "api")}
                error={editor.errorFor(path(index, "verifiedBy"))}
                onChange={(value) =>
                  editor.update((p) => {
                    const edited = p.earning.customActions[index]!;
                    edited.claimable = value === "claim";
                    edited.verifiedBy = value === "newsletter" ? "newsletter" : null;
                  })
                }
              />
              {/* Only a claim needs a link: the page the shopper opens to do it. */}
              {action.claimable ? (
                <TextField
                  label={t("program.actions.url")}
                  helpText={t("program.actions.urlHelp")}
                  type="url"
                  autoComplete="off"
                  placeholder="https://"
                  value={action.url ?? ""}
                  error={editor.errorFor(path(index, "url"))}
                  onChange={(url) =>
                    editor.update((p) => void (p.earning.customActions[index]!.url = url.trim() || null))
                  }
                />
              ) : null}
            </FormLayout.Group>
            {action.claimable ? (
              <Text as="p" tone="subdued">
                {t("program.actions.claimHelp")}
              </Text>
            ) : null}
            {action.verifiedBy === "newsletter" ? (
              <Text as="p" tone="subdued">
                {t("program.actions.newsletterHelp")}
              </Text>
            ) : null}
            <NameTranslations
              translations={action.translations}
              defaultName={action.name}
              errorFor={(language) => editor.errorFor(path(index, `translations.${language}.name`))}
              onChange={(language, name) =>
                editor.update((p) => setTranslatedName(p.earning.customActions[index]!, language, name))
              }
            />
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
