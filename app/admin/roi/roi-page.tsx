import { useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, InlineStack, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { BarChart, ChartBox, LineChart } from "~/admin/common/chart";
import { formatMoney } from "~/admin/common/format";
import { useTranslation } from "~/i18n";
import type { Program } from "~/loyalty/program/program";
import type { HoldoutStatus, IncrementalityEstimate } from "~/loyalty/reports/incrementality";
import type { ProgramCost } from "~/loyalty/reports/program-cost";
import type { GroupFigures, RoiFigures } from "~/loyalty/reports/roi";
import { minorUnitDigits } from "~/money/currency";
import { toUnits } from "~/money/money";
import { HoldoutCard } from "./holdout-card";
import { IncrementalitySection } from "./incrementality-section";
import { ProgramCostSection } from "./program-cost-section";

const CHART_HEIGHT = 280;
const BEFORE_AFTER_COLORS = { before: "#8c9196", after: "#008060" } as const;

/**
 * The ROI page (issue 25, docs/roi.md): members against customers while not members, retention by
 * join month, the same members before and after joining, how far the figures can be trusted, the
 * incrementality estimate and the holdout that makes it.
 */
export function RoiPage({
  figures,
  cost,
  incrementality,
  holdout,
  program,
  revision,
}: {
  figures: RoiFigures;
  cost: ProgramCost;
  incrementality: IncrementalityEstimate;
  holdout: HoldoutStatus;
  program: Program;
  revision: number;
}) {
  const { t, i18n } = useTranslation();
  const [, setParams] = useSearchParams();
  const [range, setRange] = useState(figures.range);
  const number = (value: number, digits = 0) =>
    value.toLocaleString(i18n.language, { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const percent = (rate: number | null) => (rate === null ? "—" : `${number(rate * 100, 1)}%`);
  const units = (minor: number, currencyCode: string | null) => toUnits(minor, minorUnitDigits(currencyCode));
  const money = (entries: { currencyCode: string | null; value: number | null }[]) =>
    entries
      .filter((entry) => entry.value !== null)
      .map((entry) => formatMoney(i18n.language, units(entry.value!, entry.currencyCode), entry.currencyCode))
      .join(" · ") || "—";
  const monthFormat = new Intl.DateTimeFormat(i18n.language, { month: "short", year: "numeric", timeZone: "UTC" });
  const monthLabel = (month: string) => monthFormat.format(new Date(`${month}-01T00:00:00Z`));
  const row = (label: string, value: (group: GroupFigures) => string) => [
    label,
    value(figures.members),
    value(figures.others),
  ];
  const cohorts = figures.cohorts.filter((cohort) => cohort.members > 0);
  return (
    <Page title={t("roi.title")}>
      <BlockStack gap="400">
        <InlineStack gap="200" blockAlign="end">
          <TextField
            label={t("roi.from")}
            type="month"
            autoComplete="off"
            value={range.from}
            onChange={(from) => setRange((current) => ({ ...current, from }))}
          />
          <TextField
            label={t("roi.to")}
            type="month"
            autoComplete="off"
            value={range.to}
            onChange={(to) => setRange((current) => ({ ...current, to }))}
          />
          <Button onClick={() => setParams({ from: range.from, to: range.to })}>{t("roi.show")}</Button>
        </InlineStack>
        <Banner tone="info" title={t("roi.method.title")}>
          <BlockStack gap="200">
            <p>
              {t(program.holdout.startedAt ? "roi.method.withHoldout" : "roi.method.noHoldout")} {t("roi.method.body")}
            </p>
            {program.holdout.startedAt ? null : <p>{t("roi.method.holdout")}</p>}
          </BlockStack>
        </Banner>
        <IncrementalitySection estimate={incrementality} />
        <HoldoutCard program={program} revision={revision} status={holdout} />
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {t("roi.compare.title")}
            </Text>
            <Text as="p" tone="subdued">
              {t("roi.compare.definition")}
            </Text>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric"]}
              headings={["", t("roi.compare.members"), t("roi.compare.others")]}
              rows={[
                row(t("roi.compare.customers"), (group) => number(group.customers)),
                row(t("roi.compare.orders"), (group) => number(group.orders)),
                row(t("roi.compare.repeatRate"), (group) => percent(group.repeatRate)),
                row(t("roi.compare.frequency"), (group) =>
                  group.frequency === null ? "—" : number(group.frequency, 2),
                ),
                row(t("roi.compare.retention"), (group) => percent(group.retention90)),
                row(t("roi.compare.aov"), (group) =>
                  money(group.money.map((entry) => ({ currencyCode: entry.currencyCode, value: entry.aov }))),
                ),
                row(t("roi.compare.perCustomer"), (group) =>
                  money(group.money.map((entry) => ({ currencyCode: entry.currencyCode, value: entry.perCustomer }))),
                ),
                row(t("roi.compare.revenue"), (group) =>
                  money(group.money.map((entry) => ({ currencyCode: entry.currencyCode, value: entry.revenue }))),
                ),
              ]}
            />
            <Text as="p" variant="bodySm" tone="subdued">
              {t("roi.compare.notes")}
            </Text>
          </BlockStack>
        </Card>
        <ProgramCostSection cost={cost} memberRevenue={figures.members.money} />
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {t("roi.retention.title")}
            </Text>
            <Text as="p" tone="subdued">
              {t("roi.retention.definition")}
            </Text>
            {cohorts.length ? (
              <ChartBox height={CHART_HEIGHT} name="retention">
                <LineChart
                  theme="Light"
                  data={cohorts.map((cohort) => ({
                    name: t("roi.retention.cohort", { month: monthLabel(cohort.month), count: cohort.members }),
                    data: cohort.shares.map((share, index) => ({
                      key: String(index + 1),
                      value: share === null ? null : share * 100,
                    })),
                  }))}
                  xAxisOptions={{ labelFormatter: (key) => t("roi.retention.monthAfter", { count: Number(key) }) }}
                  yAxisOptions={{ labelFormatter: (value) => `${number(Number(value))}%` }}
                  tooltipOptions={{ valueFormatter: (value) => `${number(Number(value), 1)}%` }}
                />
              </ChartBox>
            ) : (
              <Text as="p">{t("roi.retention.empty")}</Text>
            )}
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {t("roi.beforeAfter.title")}
            </Text>
            <Text as="p" tone="subdued">
              {t("roi.beforeAfter.definition")}
            </Text>
            {figures.beforeAfter.length ? (
              <>
                <ChartBox height={CHART_HEIGHT} name="before-after">
                  <BarChart
                    theme="Light"
                    direction="vertical"
                    data={(["before", "after"] as const).map((side) => ({
                      name: t(`roi.beforeAfter.${side}`),
                      color: BEFORE_AFTER_COLORS[side],
                      data: figures.beforeAfter.map((entry) => ({
                        key: entry.currencyCode ?? "—",
                        value: entry[side] === null ? null : units(entry[side]!, entry.currencyCode),
                      })),
                    }))}
                  />
                </ChartBox>
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                  headings={[
                    t("roi.beforeAfter.currency"),
                    t("roi.beforeAfter.members"),
                    t("roi.beforeAfter.before"),
                    t("roi.beforeAfter.after"),
                  ]}
                  rows={figures.beforeAfter.map((entry) => [
                    entry.currencyCode ?? "—",
                    number(entry.members),
                    money([{ currencyCode: entry.currencyCode, value: entry.before }]),
                    money([{ currencyCode: entry.currencyCode, value: entry.after }]),
                  ])}
                />
              </>
            ) : (
              <Text as="p">{t("roi.beforeAfter.empty")}</Text>
            )}
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}
