import { Box, Card, Checkbox, FormLayout, Layout, Select, Text, TextField } from "@shopify/polaris";
import { NumberField } from "~/admin/common/fields";
import { formatMoney } from "~/admin/common/format";
import { ProgramPage, useProgramEditor } from "~/admin/common/program-editor";
import { BonusEvents, type Segment } from "./bonus-events";
import { CustomActions } from "./custom-actions";
import { ProductRules } from "./product-rules";
import { WinBackSettings } from "./win-back";
import { useTranslation } from "~/i18n";
import { pointsForAmount } from "~/loyalty/points/earning";
import { canBeGiven, type Program } from "~/loyalty/program/program";

const EXAMPLE_ORDER = 120;

/** "An order of €120.00 earns 120 points", under the rules as they stand in the form. */
function exampleEarning(order: Program["earning"]["order"]): number {
  return pointsForAmount(order, EXAMPLE_ORDER);
}

/** The program page: status, how orders and other actions earn, bonus events, expiry. */
export function ProgramSettings({
  currencyCode,
  segments,
  ...loaded
}: {
  program: Program;
  revision: number;
  currencyCode: string | null;
  segments: Segment[];
}) {
  const editor = useProgramEditor(loaded);
  const { t, i18n } = useTranslation();
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
                  {t("program.orders.example", {
                    amount: formatMoney(i18n.language, EXAMPLE_ORDER, currencyCode),
                    points: exampleEarning(order),
                  })}
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
              <Select
                label={t("program.other.birthdayReward")}
                helpText={t("program.other.birthdayRewardHelp")}
                options={[
                  { value: "", label: t("program.other.birthdayRewardNone") },
                  ...draft.rewards.filter(canBeGiven).map((reward) => ({ value: reward.id, label: reward.name })),
                ]}
                value={draft.earning.birthday.rewardId ?? ""}
                error={errorFor("earning.birthday.rewardId")}
                onChange={(value) =>
                  update((p) => {
                    if (value) p.earning.birthday.rewardId = value;
                    else delete p.earning.birthday.rewardId;
                  })
                }
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title={t("program.actions.title")} description={t("program.actions.description")}>
          <CustomActions editor={editor} />
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title={t("program.flow.title")} description={t("program.flow.description")}>
          <Card>
            <NumberField
              label={t("program.flow.maxPointsPerDay")}
              helpText={t("program.flow.maxPointsPerDayHelp")}
              value={draft.earning.flowActions.maxPointsPerCustomerPerDay}
              error={errorFor("earning.flowActions.maxPointsPerCustomerPerDay")}
              onChange={(value) => update((p) => void (p.earning.flowActions.maxPointsPerCustomerPerDay = value))}
            />
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title={t("program.bonus.title")} description={t("program.bonus.description")}>
          <BonusEvents editor={editor} segments={segments} />
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title={t("program.winBack.title")} description={t("program.winBack.description")}>
          <WinBackSettings editor={editor} />
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
