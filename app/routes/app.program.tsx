import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  DatePicker,
  FormLayout,
  InlineStack,
  Layout,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { adminProgram } from "~/admin/common/admin-context.server";
import { NumberField } from "~/admin/common/fields";
import { ProgramPage, useProgramEditor } from "~/admin/common/program-editor";
import { saveProgramFromPage } from "~/admin/common/program-save.server";
import { useTranslation } from "~/i18n";
import { pointsForAmount } from "~/loyalty/points/earning";
import type { Program } from "~/loyalty/program/program";

export async function loader({ request }: LoaderFunctionArgs) {
  const { program, revision } = await adminProgram(request);
  return { program, revision };
}

export const action = ({ request }: ActionFunctionArgs) => saveProgramFromPage(request);

const EXAMPLE_ORDER = 120;

/** "An order of 120.00 earns 120 points", under the rules as they stand in the form. */
function exampleEarning(order: Program["earning"]["order"]): number {
  return pointsForAmount(order, EXAMPLE_ORDER);
}

export default function ProgramSettings() {
  const loaded = useLoaderData<typeof loader>();
  const editor = useProgramEditor(loaded);
  const { t } = useTranslation();
  const { draft, update, errorFor } = editor;
  const order = draft.earning.order;
  const expiry = draft.expiry;
  return (
    <ProgramPage title={t("program.title")} editor={editor}>
      <Layout>
        <Layout.AnnotatedSection title={t("program.status.title")} description={t("program.status.description")}>
          <Card>
            <Checkbox
              label={t("program.status.enabled")}
              helpText={t("program.status.enabledHelp")}
              checked={draft.enabled}
              onChange={(checked) => update((p) => void (p.enabled = checked))}
            />
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title={t("program.orders.title")} description={t("program.orders.description")}>
          <Card>
            <FormLayout>
              <NumberField
                label={t("program.orders.rate")}
                value={order.pointsPerCurrencyUnit}
                error={errorFor("earning.order.pointsPerCurrencyUnit")}
                onChange={(value) => update((p) => void (p.earning.order.pointsPerCurrencyUnit = value ?? 0))}
              />
              <Select
                label={t("program.orders.rounding")}
                options={(["floor", "round", "ceil"] as const).map((value) => ({
                  value,
                  label: t(`program.orders.roundings.${value}`),
                }))}
                value={order.rounding}
                onChange={(value) => update((p) => void (p.earning.order.rounding = value as typeof order.rounding))}
              />
              <FormLayout.Group>
                <NumberField
                  label={t("program.orders.minimumSubtotal")}
                  value={order.minimumSubtotal}
                  error={errorFor("earning.order.minimumSubtotal")}
                  onChange={(value) => update((p) => void (p.earning.order.minimumSubtotal = value ?? 0))}
                />
                <NumberField
                  label={t("program.orders.holdDays")}
                  helpText={t("program.orders.holdDaysHelp")}
                  value={order.holdDays}
                  error={errorFor("earning.order.holdDays")}
                  onChange={(value) => update((p) => void (p.earning.order.holdDays = value ?? 0))}
                />
              </FormLayout.Group>
              <Box background="bg-surface-secondary" padding="300" borderRadius="200">
                <Text as="p" variant="bodyMd" fontWeight="medium">
                  {t("program.orders.example", { amount: EXAMPLE_ORDER.toFixed(2), points: exampleEarning(order) })}
                </Text>
              </Box>
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title={t("program.products.title")} description={t("program.products.description")}>
          <ProductRules editor={editor} />
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title={t("program.other.title")} description={t("program.other.description")}>
          <Card>
            <FormLayout>
              <FormLayout.Group>
                <NumberField
                  label={t("program.other.signup")}
                  value={draft.earning.signup.points}
                  error={errorFor("earning.signup.points")}
                  onChange={(value) => update((p) => void (p.earning.signup.points = value ?? 0))}
                />
                <NumberField
                  label={t("program.other.birthday")}
                  value={draft.earning.birthday.points}
                  error={errorFor("earning.birthday.points")}
                  onChange={(value) => update((p) => void (p.earning.birthday.points = value ?? 0))}
                />
              </FormLayout.Group>
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title={t("program.actions.title")} description={t("program.actions.description")}>
          <CustomActions editor={editor} />
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title={t("program.bonus.title")} description={t("program.bonus.description")}>
          <BonusEvents editor={editor} />
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title={t("program.expiry.title")} description={t("program.expiry.description")}>
          <Card>
            <FormLayout>
              <Select
                label={t("program.expiry.mode")}
                options={(["never", "fixed", "inactivity"] as const).map((value) => ({
                  value,
                  label: t(`program.expiry.modes.${value}`),
                }))}
                value={expiry.mode}
                onChange={(mode) =>
                  update((p) => {
                    p.expiry =
                      mode === "never"
                        ? { mode: "never" }
                        : {
                            mode: mode as "fixed" | "inactivity",
                            days: "days" in p.expiry ? p.expiry.days : 365,
                            remindDaysBefore: "remindDaysBefore" in p.expiry ? p.expiry.remindDaysBefore : [30],
                          };
                  })
                }
              />
              {expiry.mode !== "never" ? (
                <FormLayout.Group>
                  <NumberField
                    label={t("program.expiry.days")}
                    value={expiry.days}
                    error={errorFor("expiry.days")}
                    onChange={(value) => update((p) => void ("days" in p.expiry && (p.expiry.days = value ?? 0)))}
                  />
                  <TextField
                    label={t("program.expiry.remind")}
                    helpText={t("program.expiry.remindHelp")}
                    autoComplete="off"
                    value={expiry.remindDaysBefore.join(", ")}
                    error={errorFor("expiry.remindDaysBefore")}
                    onChange={(text) =>
                      update((p) => {
                        if ("remindDaysBefore" in p.expiry) {
                          p.expiry.remindDaysBefore = text
                            .split(",")
                            .map((part) => part.trim())
                            .filter(Boolean)
                            .map(Number);
                        }
                      })
                    }
                  />
                </FormLayout.Group>
              ) : null}
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
      </Layout>
    </ProgramPage>
  );
}

const dayOf = (iso: string) => iso.slice(0, 10);

/** Bonus events as a list and on a calendar: pick the days, name it, set the multiplier. */
function BonusEvents({ editor }: { editor: ReturnType<typeof useProgramEditor> }) {
  const { t } = useTranslation();
  const today = new Date();
  const [month, setMonth] = useState({ month: today.getMonth(), year: today.getFullYear() });
  const [range, setRange] = useState<{ start: Date; end: Date }>({ start: today, end: today });
  const events = editor.draft.earning.bonusEvents;
  const add = () =>
    editor.update((p) => {
      const start = new Date(Date.UTC(range.start.getFullYear(), range.start.getMonth(), range.start.getDate()));
      const end = new Date(Date.UTC(range.end.getFullYear(), range.end.getMonth(), range.end.getDate() + 1));
      p.earning.bonusEvents.push({
        name: t("program.bonus.defaultName"),
        startsAt: start.toISOString(),
        endsAt: end.toISOString(),
        multiplier: 2,
      });
    });
  return (
    <Card>
      <BlockStack gap="400">
        <DatePicker
          month={month.month}
          year={month.year}
          onMonthChange={(m, y) => setMonth({ month: m, year: y })}
          selected={range}
          onChange={setRange}
          allowRange
        />
        <InlineStack align="end">
          <Button onClick={add}>{t("program.bonus.add")}</Button>
        </InlineStack>
        {events.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("program.bonus.none")}
          </Text>
        ) : null}
        {events.map((event, index) => (
          <FormLayout key={index}>
            <FormLayout.Group condensed>
              <TextField
                label={t("program.bonus.name")}
                autoComplete="off"
                value={event.name}
                error={editor.errorFor(`earning.bonusEvents.${index}.name`)}
                onChange={(name) => editor.update((p) => void (p.earning.bonusEvents[index]!.name = name))}
              />
              <TextField
                label={t("program.bonus.starts")}
                type="date"
                autoComplete="off"
                value={dayOf(event.startsAt)}
                onChange={(day) =>
                  editor.update((p) => void (p.earning.bonusEvents[index]!.startsAt = `${day}T00:00:00.000Z`))
                }
              />
              <TextField
                label={t("program.bonus.ends")}
                type="date"
                autoComplete="off"
                value={dayOf(event.endsAt)}
                error={editor.errorFor(`earning.bonusEvents.${index}.endsAt`)}
                onChange={(day) =>
                  editor.update((p) => void (p.earning.bonusEvents[index]!.endsAt = `${day}T00:00:00.000Z`))
                }
              />
              <NumberField
                label={t("program.bonus.multiplier")}
                value={event.multiplier}
                error={editor.errorFor(`earning.bonusEvents.${index}.multiplier`)}
                onChange={(value) => editor.update((p) => void (p.earning.bonusEvents[index]!.multiplier = value ?? 0))}
              />
            </FormLayout.Group>
            <InlineStack align="end">
              <Button
                variant="plain"
                tone="critical"
                onClick={() => editor.update((p) => void p.earning.bonusEvents.splice(index, 1))}
              >
                {t("common.remove")}
              </Button>
            </InlineStack>
          </FormLayout>
        ))}
      </BlockStack>
    </Card>
  );
}

const listText = (values: string[]) => values.join(", ");
const textList = (text: string) =>
  text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
const MATCH_FIELDS = ["tags", "productTypes", "productIds", "collectionIds"] as const;

/** Multipliers per product (0 excludes): by tag, product type, product or collection id. */
function ProductRules({ editor }: { editor: ReturnType<typeof useProgramEditor> }) {
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

/** Points for things outside orders (a review, a follow), awarded through POST /api/actions. */
function CustomActions({ editor }: { editor: ReturnType<typeof useProgramEditor> }) {
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
