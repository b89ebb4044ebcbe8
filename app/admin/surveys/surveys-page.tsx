import {
  Badge,
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
import { DayField, NumberField } from "~/admin/common/fields";
import { idFromName } from "~/admin/common/ids";
import { ProgramPage, useProgramEditor, type ProgramEditor } from "~/admin/common/program-editor";
import { useTranslation } from "~/i18n";
import type { Program, Survey, SurveyQuestion } from "~/loyalty/program/program";
import { TextTranslations } from "./text-translations";

const MAX_SURVEYS = 10;
const MAX_QUESTIONS = 3;
const MAX_OPTIONS = 10;
const QUESTION_TYPES = ["single_choice", "multiple_choice", "rating", "text"] as const;
const ORDER_MODES = ["all", "first", "every_nth"] as const;

/** The post-purchase surveys: each one's NPS question, up to three more, its points, dates and orders. */
export function SurveysPage({
  answerCounts,
  ...loaded
}: {
  program: Program;
  revision: number;
  answerCounts: Record<string, number>;
}) {
  const editor = useProgramEditor(loaded);
  const { t } = useTranslation();
  const surveys = editor.draft.surveys;
  const savedIds = new Set(editor.savedProgram.surveys.map((survey) => survey.id));
  const addSurvey = () =>
    editor.update((program) => {
      const name = t("surveys.newName", { n: program.surveys.length + 1 });
      // A placeholder until saved: then the id comes from the name typed (withIdsFromNames).
      program.surveys.push({
        id: idFromName(
          name,
          program.surveys.map((survey) => survey.id),
          "survey",
        ),
        name,
        enabled: false,
        nps: { text: t("surveys.nps.defaultText"), comment: true },
        questions: [],
        points: 0,
        startsAt: null,
        endsAt: null,
        orders: { mode: "all", n: 2 },
      });
    });
  return (
    <ProgramPage title={t("surveys.title")} editor={editor}>
      <Layout>
        <Layout.AnnotatedSection title={t("surveys.list.title")} description={t("surveys.list.description")}>
          <BlockStack gap="400">
            {surveys.length === 0 ? (
              <Card>
                <Text as="p" tone="subdued">
                  {t("surveys.list.empty")}
                </Text>
              </Card>
            ) : null}
            {surveys.map((survey, index) => (
              <SurveyCard
                key={index}
                editor={editor}
                index={index}
                survey={survey}
                saved={savedIds.has(survey.id)}
                answers={answerCounts[survey.id] ?? 0}
              />
            ))}
            <InlineStack>
              <Button onClick={addSurvey} disabled={surveys.length >= MAX_SURVEYS}>
                {t("surveys.add")}
              </Button>
            </InlineStack>
          </BlockStack>
        </Layout.AnnotatedSection>
      </Layout>
    </ProgramPage>
  );
}

function SurveyCard({
  editor,
  index,
  survey,
  saved,
  answers,
}: {
  editor: ProgramEditor;
  index: number;
  survey: Survey;
  saved: boolean;
  answers: number;
}) {
  const { t } = useTranslation();
  const path = `surveys.${index}`;
  const change = (edit: (survey: Survey) => void) => editor.update((program) => edit(program.surveys[index]!));
  const setQuestion = (q: number, edit: (question: SurveyQuestion) => void) =>
    change((draft) => edit(draft.questions[q]!));
  const addQuestion = () =>
    change((draft) => {
      draft.questions.push({
        id: idFromName(
          `q${draft.questions.length + 1}`,
          draft.questions.map((question) => question.id),
          "q",
        ),
        type: "single_choice",
        text: t("surveys.question.newText"),
        options: [
          { id: "option-1", label: t("surveys.question.newOption", { n: 1 }) },
          { id: "option-2", label: t("surveys.question.newOption", { n: 2 }) },
        ],
      });
    });
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingMd">
              {survey.name}
            </Text>
            <Badge tone={survey.enabled ? "success" : undefined}>
              {survey.enabled ? t("surveys.on") : t("surveys.off")}
            </Badge>
          </InlineStack>
          {saved ? (
            <InlineStack gap="300" blockAlign="center">
              <Text as="span" tone="subdued">
                {t("surveys.answers", { number: answers })}
              </Text>
              <Button url={`/app/surveys/${encodeURIComponent(survey.id)}`}>{t("surveys.viewResults")}</Button>
            </InlineStack>
          ) : null}
        </InlineStack>
        <FormLayout>
          <Checkbox
            label={t("surveys.enabled")}
            checked={survey.enabled}
            onChange={(checked) => change((draft) => void (draft.enabled = checked))}
          />
          <TextField
            label={t("surveys.name")}
            autoComplete="off"
            value={survey.name}
            error={editor.errorFor(`${path}.name`)}
            onChange={(value) => change((draft) => void (draft.name = value))}
          />
          <TextField
            label={t("surveys.nps.text")}
            helpText={t("surveys.nps.textHelp")}
            autoComplete="off"
            value={survey.nps.text}
            error={editor.errorFor(`${path}.nps.text`)}
            onChange={(value) => change((draft) => void (draft.nps.text = value))}
          />
          <TextTranslations
            label={(language) => t("surveys.nps.textIn", { language })}
            translations={survey.nps.translations}
            defaultText={survey.nps.text}
            errorFor={(language) => editor.errorFor(`${path}.nps.translations.${language}.text`)}
            onChange={(translations) => change((draft) => void (draft.nps.translations = translations))}
          />
          <Checkbox
            label={t("surveys.nps.comment")}
            checked={survey.nps.comment}
            onChange={(checked) => change((draft) => void (draft.nps.comment = checked))}
          />
          <FormLayout.Group>
            <NumberField
              label={t("surveys.points")}
              helpText={t("surveys.pointsHelp")}
              value={survey.points}
              error={editor.errorFor(`${path}.points`)}
              onChange={(value) => change((draft) => void (draft.points = value ?? 0))}
            />
            <Select
              label={t("surveys.orders.label")}
              options={ORDER_MODES.map((mode) => ({ value: mode, label: t(`surveys.orders.${mode}`) }))}
              value={survey.orders.mode}
              onChange={(mode) => change((draft) => void (draft.orders.mode = mode as Survey["orders"]["mode"]))}
            />
            {survey.orders.mode === "every_nth" ? (
              <NumberField
                label={t("surveys.orders.n")}
                value={survey.orders.n}
                error={editor.errorFor(`${path}.orders.n`)}
                onChange={(value) => change((draft) => void (draft.orders.n = value ?? 2))}
              />
            ) : null}
          </FormLayout.Group>
          <FormLayout.Group condensed>
            <DayField
              label={t("surveys.startsAt")}
              value={survey.startsAt}
              error={editor.errorFor(`${path}.startsAt`)}
              onChange={(at) => change((draft) => void (draft.startsAt = at))}
            />
            <DayField
              label={t("surveys.endsAt")}
              value={survey.endsAt}
              error={editor.errorFor(`${path}.endsAt`)}
              onChange={(at) => change((draft) => void (draft.endsAt = at))}
            />
          </FormLayout.Group>
        </FormLayout>
        <BlockStack gap="300">
          <Text as="h4" variant="headingSm">
            {t("surveys.question.title")}
          </Text>
          {survey.questions.map((question, q) => (
            <QuestionFields
              key={q}
              question={question}
              number={q + 1}
              errorFor={(field) => editor.errorFor(`${path}.questions.${q}.${field}`)}
              onChange={(edit) => setQuestion(q, edit)}
              onReplace={(next) => change((draft) => void (draft.questions[q] = next))}
              onRemove={() => change((draft) => void draft.questions.splice(q, 1))}
            />
          ))}
          <InlineStack align="space-between">
            <Button onClick={addQuestion} disabled={survey.questions.length >= MAX_QUESTIONS}>
              {t("surveys.question.add")}
            </Button>
            <Button
              tone="critical"
              variant="plain"
              onClick={() => editor.update((program) => void program.surveys.splice(index, 1))}
            >
              {t("surveys.remove", { name: survey.name })}
            </Button>
          </InlineStack>
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

function QuestionFields({
  question,
  number,
  errorFor,
  onChange,
  onReplace,
  onRemove,
}: {
  question: SurveyQuestion;
  number: number;
  errorFor: (field: string) => string | undefined;
  onChange: (edit: (question: SurveyQuestion) => void) => void;
  onReplace: (question: SurveyQuestion) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const choice = question.type === "single_choice" || question.type === "multiple_choice";
  const changeType = (type: SurveyQuestion["type"]) => {
    const common = { id: question.id, text: question.text, translations: question.translations };
    if (type === "single_choice" || type === "multiple_choice")
      onReplace({
        ...common,
        type,
        options: choice
          ? question.options
          : [
              { id: "option-1", label: t("surveys.question.newOption", { n: 1 }) },
              { id: "option-2", label: t("surveys.question.newOption", { n: 2 }) },
            ],
      });
    else onReplace({ ...common, type });
  };
  return (
    <Card background="bg-surface-secondary">
      <FormLayout>
        <FormLayout.Group>
          <TextField
            label={t("surveys.question.text", { n: number })}
            autoComplete="off"
            value={question.text}
            error={errorFor("text")}
            onChange={(value) => onChange((draft) => void (draft.text = value))}
          />
          <Select
            label={t("surveys.question.type")}
            options={QUESTION_TYPES.map((type) => ({ value: type, label: t(`surveys.question.types.${type}`) }))}
            value={question.type}
            onChange={(type) => changeType(type as SurveyQuestion["type"])}
          />
        </FormLayout.Group>
        <TextTranslations
          label={(language) => t("surveys.question.textIn", { language })}
          translations={question.translations}
          defaultText={question.text}
          errorFor={(language) => errorFor(`translations.${language}.text`)}
          onChange={(translations) => onChange((draft) => void (draft.translations = translations))}
        />
        {choice ? (
          <BlockStack gap="200">
            {question.options.map((option, o) => (
              <InlineStack key={o} gap="200" blockAlign="end" wrap={false}>
                <div style={{ flexGrow: 1 }}>
                  <TextField
                    label={t("surveys.question.option", { n: o + 1 })}
                    autoComplete="off"
                    value={option.label}
                    error={errorFor(`options.${o}.label`)}
                    onChange={(label) =>
                      onChange((draft) => {
                        if ("options" in draft) draft.options[o]!.label = label;
                      })
                    }
                  />
                </div>
                <Button
                  variant="plain"
                  tone="critical"
                  disabled={question.options.length <= 2}
                  onClick={() => onChange((draft) => void ("options" in draft && draft.options.splice(o, 1)))}
                >
                  {t("surveys.question.removeOption", { n: o + 1 })}
                </Button>
              </InlineStack>
            ))}
            {errorFor("options") ? (
              <Text as="p" tone="critical">
                {errorFor("options")}
              </Text>
            ) : null}
            <InlineStack>
              <Button
                disabled={question.options.length >= MAX_OPTIONS}
                onClick={() =>
                  onChange((draft) => {
                    if (!("options" in draft)) return;
                    const n = draft.options.length + 1;
                    draft.options.push({
                      id: idFromName(
                        `option-${n}`,
                        draft.options.map((option) => option.id),
                        "option",
                      ),
                      label: t("surveys.question.newOption", { n }),
                    });
                  })
                }
              >
                {t("surveys.question.addOption")}
              </Button>
            </InlineStack>
          </BlockStack>
        ) : null}
        <InlineStack align="end">
          <Button variant="plain" tone="critical" onClick={onRemove}>
            {t("surveys.question.remove", { n: number })}
          </Button>
        </InlineStack>
      </FormLayout>
    </Card>
  );
}
