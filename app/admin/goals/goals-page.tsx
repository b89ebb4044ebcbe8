import { BlockStack, Button, Card, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { DayField, NumberField } from "~/admin/common/fields";
import { ProgramPage, useProgramEditor } from "~/admin/common/program-editor";
import { useTranslation } from "~/i18n";
import { GOAL_METRICS, type Goal, type Program } from "~/loyalty/program/program";
import { basisPoints, endAfterDay, lastDay, newGoal, percentOf } from "./goal-form";

/** The program's most goals (accountingSchema). */
const MAX_GOALS = 10;

/** Targets with dates for the repeat rate, the redemption rate and members' share of revenue; the dashboard shows progress. */
export function GoalsPage(loaded: { program: Program; revision: number }) {
  const editor = useProgramEditor(loaded);
  const { t } = useTranslation();
  const goals = editor.draft.accounting.goals;
  const change = (index: number, edit: (goal: Goal) => void) =>
    editor.update((program) => edit(program.accounting.goals[index]!));
  const fieldError = (index: number, field: keyof Goal) =>
    editor.errorFor(`accounting.goals.${index}.${field}`) ? t(`goals.errors.${field}`) : undefined;
  return (
    <ProgramPage title={t("goals.title")} editor={editor} backAction={{ content: t("goals.back"), url: "/app" }}>
      <BlockStack gap="400">
        <Text as="p" tone="subdued">
          {t("goals.intro")}
        </Text>
        {goals.length === 0 ? (
          <Card>
            <Text as="p">{t("goals.empty")}</Text>
          </Card>
        ) : null}
        {goals.map((goal, index) => (
          <Card key={goal.id}>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  {t(`goals.metrics.${goal.metric}`)}
                </Text>
                <Button
                  variant="plain"
                  tone="critical"
                  accessibilityLabel={t("goals.removeLabel", { metric: t(`goals.metrics.${goal.metric}`) })}
                  onClick={() => editor.update((program) => void program.accounting.goals.splice(index, 1))}
                >
                  {t("goals.remove")}
                </Button>
              </InlineStack>
              <FormLayout>
                <FormLayout.Group>
                  <Select
                    label={t("goals.metric")}
                    options={GOAL_METRICS.map((metric) => ({ label: t(`goals.metrics.${metric}`), value: metric }))}
                    value={goal.metric}
                    helpText={t(`goals.metricHelp.${goal.metric}`)}
                    onChange={(metric) => change(index, (g) => void (g.metric = metric as Goal["metric"]))}
                  />
                  <NumberField
                    label={t("goals.target")}
                    suffix="%"
                    step={0.1}
                    min={0.01}
                    max={100}
                    value={percentOf(goal.target)}
                    error={fieldError(index, "target")}
                    onChange={(percent) => change(index, (g) => void (g.target = basisPoints(percent)))}
                  />
                </FormLayout.Group>
                <FormLayout.Group>
                  <DayField
                    label={t("goals.startsAt")}
                    value={goal.startsAt || null}
                    error={fieldError(index, "startsAt")}
                    onChange={(at) => change(index, (g) => void (g.startsAt = at ?? ""))}
                  />
                  <TextField
                    label={t("goals.endsAt")}
                    type="date"
                    autoComplete="off"
                    value={lastDay(goal.endsAt)}
                    error={fieldError(index, "endsAt")}
                    onChange={(day) => change(index, (g) => void (g.endsAt = endAfterDay(day)))}
                  />
                </FormLayout.Group>
              </FormLayout>
            </BlockStack>
          </Card>
        ))}
        <InlineStack>
          <Button
            disabled={goals.length >= MAX_GOALS}
            onClick={() =>
              editor.update(
                (program) => void program.accounting.goals.push(newGoal(program.accounting.goals, new Date())),
              )
            }
          >
            {t("goals.add")}
          </Button>
        </InlineStack>
      </BlockStack>
    </ProgramPage>
  );
}
