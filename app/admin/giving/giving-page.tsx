import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { DayField, NumberField } from "~/admin/common/fields";
import { idFromName } from "~/admin/common/ids";
import { ProgramPage, useProgramEditor, type ProgramEditor } from "~/admin/common/program-editor";
import { useTranslation } from "~/i18n";
import type { Cause, Giving, Program } from "~/loyalty/program/program";
import type { GivingReport } from "~/loyalty/reports/giving";
import { CauseTranslations } from "./cause-translations";
import type { DonationProductState } from "./giving-page.server";
import { GivingReportSection } from "./giving-report";

const MAX_CAUSES = 20;
const RULES = ["next_unit", "next_5", "fixed"] as const;

/** Giving back: causes, the round-up with its donation product, points donations, and what is owed to each cause. */
export function GivingPage({
  productState,
  report,
  ...loaded
}: {
  program: Program;
  revision: number;
  productState: DonationProductState;
  report: GivingReport;
}) {
  const editor = useProgramEditor(loaded);
  const { t } = useTranslation();
  const giving = editor.draft.giving;
  const set = (change: (giving: Giving) => void) => editor.update((program) => change(program.giving));
  const addCause = () =>
    set((draft) => {
      const name = t("giving.causes.newName", { n: draft.causes.length + 1 });
      // A placeholder until saved: then the id comes from the name typed (withIdsFromNames).
      const id = idFromName(
        name,
        draft.causes.map((cause) => cause.id),
        "cause",
      );
      draft.causes.push({ id, name, description: "", url: null, startsAt: null, endsAt: null });
      draft.defaultCauseId ??= id;
    });
  const removeCause = (index: number) =>
    set((draft) => {
      const [removed] = draft.causes.splice(index, 1);
      if (removed && draft.defaultCauseId === removed.id) draft.defaultCauseId = draft.causes[0]?.id ?? null;
    });
  const listIssues = editor.issuesUnder("giving.causes").filter((issue) => issue.path === "giving.causes");
  return (
    <ProgramPage title={t("giving.title")} editor={editor}>
      <BlockStack gap="500">
        <Layout>
          <Layout.AnnotatedSection title={t("giving.settings.title")} description={t("giving.settings.description")}>
            <Card>
              <FormLayout>
                <Checkbox
                  label={t("giving.settings.enabled")}
                  helpText={t("giving.settings.enabledHelp")}
                  checked={giving.enabled}
                  onChange={(checked) => set((draft) => void (draft.enabled = checked))}
                />
                <Select
                  label={t("giving.settings.defaultCause")}
                  helpText={t("giving.settings.defaultCauseHelp")}
                  options={[
                    { value: "", label: t("giving.settings.noDefault") },
                    ...giving.causes.map((cause) => ({ value: cause.id, label: cause.name })),
                  ]}
                  value={giving.defaultCauseId ?? ""}
                  error={editor.errorFor("giving.defaultCauseId")}
                  onChange={(value) => set((draft) => void (draft.defaultCauseId = value || null))}
                />
                <NumberField
                  label={t("giving.settings.bonusPoints")}
                  helpText={t("giving.settings.bonusPointsHelp")}
                  value={giving.bonusPointsPerUnit}
                  error={editor.errorFor("giving.bonusPointsPerUnit")}
                  onChange={(value) => set((draft) => void (draft.bonusPointsPerUnit = value ?? 0))}
                />
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection title={t("giving.causes.title")} description={t("giving.causes.description")}>
            <BlockStack gap="400">
              {giving.causes.length === 0 ? (
                <Card>
                  <Text as="p" tone="subdued">
                    {t("giving.causes.empty")}
                  </Text>
                </Card>
              ) : null}
              {giving.causes.map((cause, index) => (
                <CauseCard
                  key={index}
                  editor={editor}
                  index={index}
                  cause={cause}
                  isDefault={giving.defaultCauseId === cause.id}
                  onRemove={() => removeCause(index)}
                />
              ))}
              {listIssues.length ? (
                <Banner tone="critical">{listIssues.map((issue) => issue.message).join(" ")}</Banner>
              ) : null}
              <InlineStack>
                <Button onClick={addCause} disabled={giving.causes.length >= MAX_CAUSES}>
                  {t("giving.causes.add")}
                </Button>
              </InlineStack>
            </BlockStack>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection title={t("giving.roundUp.title")} description={t("giving.roundUp.description")}>
            <BlockStack gap="400">
              <Card>
                <FormLayout>
                  <Checkbox
                    label={t("giving.roundUp.enabled")}
                    helpText={t("giving.roundUp.enabledHelp")}
                    checked={giving.roundUp.enabled}
                    onChange={(checked) => set((draft) => void (draft.roundUp.enabled = checked))}
                  />
                  <Select
                    label={t("giving.roundUp.rule")}
                    options={RULES.map((rule) => ({ value: rule, label: t(`giving.roundUp.rules.${rule}`) }))}
                    value={giving.roundUp.rule}
                    onChange={(rule) => set((draft) => void (draft.roundUp.rule = rule as Giving["roundUp"]["rule"]))}
                  />
                  {giving.roundUp.rule === "fixed" ? (
                    <AmountsField
                      label={t("giving.roundUp.fixedAmounts")}
                      helpText={t("giving.roundUp.fixedAmountsHelp")}
                      value={giving.roundUp.fixedAmounts}
                      error={editor.issuesUnder("giving.roundUp.fixedAmounts")[0]?.message}
                      onChange={(amounts) => set((draft) => void (draft.roundUp.fixedAmounts = amounts))}
                    />
                  ) : null}
                  <Checkbox
                    label={t("giving.roundUp.taxable")}
                    helpText={t("giving.roundUp.taxableHelp")}
                    checked={giving.roundUp.taxable}
                    onChange={(checked) => set((draft) => void (draft.roundUp.taxable = checked))}
                  />
                </FormLayout>
              </Card>
              <DonationProductCard editor={editor} state={productState} />
            </BlockStack>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection title={t("giving.points.title")} description={t("giving.points.description")}>
            <Card>
              <FormLayout>
                <Checkbox
                  label={t("giving.points.enabled")}
                  helpText={t("giving.points.enabledHelp")}
                  checked={giving.points.enabled}
                  onChange={(checked) => set((draft) => void (draft.points.enabled = checked))}
                />
                <FormLayout.Group>
                  <NumberField
                    label={t("giving.points.pointsPerUnit")}
                    helpText={t("giving.points.pointsPerUnitHelp")}
                    value={giving.points.pointsPerUnit}
                    error={editor.errorFor("giving.points.pointsPerUnit")}
                    onChange={(value) => set((draft) => void (draft.points.pointsPerUnit = value ?? 0))}
                  />
                  <NumberField
                    label={t("giving.points.step")}
                    helpText={t("giving.points.stepHelp")}
                    value={giving.points.step}
                    error={editor.errorFor("giving.points.step")}
                    onChange={(value) => set((draft) => void (draft.points.step = value ?? 0))}
                  />
                </FormLayout.Group>
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
        </Layout>
        <GivingReportSection report={report} />
      </BlockStack>
    </ProgramPage>
  );
}

function CauseCard({
  editor,
  index,
  cause,
  isDefault,
  onRemove,
}: {
  editor: ProgramEditor;
  index: number;
  cause: Cause;
  isDefault: boolean;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const path = `giving.causes.${index}`;
  const change = (edit: (cause: Cause) => void) => editor.update((program) => edit(program.giving.causes[index]!));
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {cause.name}
          </Text>
          {isDefault ? <Badge tone="info">{t("giving.causes.default")}</Badge> : null}
        </InlineStack>
        <FormLayout>
          <TextField
            label={t("giving.causes.name")}
            autoComplete="off"
            value={cause.name}
            error={editor.errorFor(`${path}.name`) ?? editor.errorFor(`${path}.id`)}
            onChange={(value) => change((draft) => void (draft.name = value))}
          />
          <TextField
            label={t("giving.causes.about")}
            autoComplete="off"
            multiline={2}
            value={cause.description}
            error={editor.errorFor(`${path}.description`)}
            onChange={(value) => change((draft) => void (draft.description = value))}
          />
          <TextField
            label={t("giving.causes.url")}
            helpText={t("giving.causes.urlHelp")}
            type="url"
            autoComplete="off"
            value={cause.url ?? ""}
            error={editor.errorFor(`${path}.url`)}
            onChange={(value) => change((draft) => void (draft.url = value.trim() === "" ? null : value.trim()))}
          />
          <FormLayout.Group condensed>
            <DayField
              label={t("giving.causes.startsAt")}
              value={cause.startsAt}
              error={editor.errorFor(`${path}.startsAt`)}
              onChange={(at) => change((draft) => void (draft.startsAt = at))}
            />
            <DayField
              label={t("giving.causes.endsAt")}
              value={cause.endsAt}
              error={editor.errorFor(`${path}.endsAt`)}
              onChange={(at) => change((draft) => void (draft.endsAt = at))}
            />
          </FormLayout.Group>
          <CauseTranslations
            cause={cause}
            errorFor={(field) => editor.errorFor(`${path}.${field}`)}
            onChange={(translations) => change((draft) => void (draft.translations = translations))}
          />
          <InlineStack align="end">
            <Button tone="critical" variant="plain" onClick={onRemove}>
              {t("giving.causes.remove", { name: cause.name })}
            </Button>
          </InlineStack>
        </FormLayout>
      </BlockStack>
    </Card>
  );
}

/** Whole amounts separated by commas ("1, 2, 5"): the text is kept while typing, the list handed on when it parses. */
function AmountsField({
  label,
  helpText,
  value,
  error,
  onChange,
}: {
  label: string;
  helpText: string;
  value: number[];
  error: string | undefined;
  onChange: (amounts: number[]) => void;
}) {
  const [text, setText] = useState(value.join(", "));
  const joined = value.join(", ");
  useEffect(() => {
    // Only an outside change (discard, save) rewrites what the merchant is typing.
    setText((current) => (parseAmounts(current)?.join(", ") === joined ? current : joined));
  }, [joined]);
  return (
    <TextField
      label={label}
      helpText={helpText}
      autoComplete="off"
      value={text}
      error={error}
      onChange={(next) => {
        setText(next);
        const amounts = parseAmounts(next);
        if (amounts) onChange(amounts);
      }}
    />
  );
}

const parseAmounts = (text: string) => {
  const parts = text.split(",").map((part) => part.trim());
  if (parts.some((part) => part === "" || !Number.isFinite(Number(part)))) return null;
  return parts.map(Number);
};

function DonationProductCard({ editor, state }: { editor: ProgramEditor; state: DonationProductState }) {
  const { t } = useTranslation();
  const { productId, variantId } = editor.savedProgram.giving.roundUp;
  const tone =
    state === "created" ? "success" : state === "missing" ? "critical" : state === "unset" ? "attention" : undefined;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {t("giving.product.title")}
          </Text>
          <Badge tone={tone}>{t(`giving.product.states.${state}`)}</Badge>
        </InlineStack>
        <Text as="p" tone="subdued">
          {t("giving.product.help")}
        </Text>
        {productId && variantId ? (
          <Text as="p" variant="bodySm">
            {t("giving.product.ids", { productId, variantId })}
          </Text>
        ) : null}
        <InlineStack>
          <Button
            variant="primary"
            onClick={() => editor.saveWith({ intent: "create-product" })}
            disabled={state === "created" || editor.saving}
            loading={editor.saving}
          >
            {t("giving.product.create")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
