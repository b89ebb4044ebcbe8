import { useSearchParams } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { DownloadButton } from "~/admin/common/download-button";
import { Figure } from "~/admin/common/figure";
import { formatMoney } from "~/admin/common/format";
import { useTranslation } from "~/i18n";
import type { GivingFigures, GivingReport } from "~/loyalty/reports/giving";

/** What the shop owes each cause over a range of months: figures, a table per cause and one per month, the CSV. */
export function GivingReportSection({ report }: { report: GivingReport }) {
  const { t, i18n } = useTranslation();
  const [, setParams] = useSearchParams();
  const [range, setRange] = useState(report.range);
  const number = (value: number) => value.toLocaleString(i18n.language);
  const amount = (text: string, currencyCode: string | null) => formatMoney(i18n.language, Number(text), currencyCode);
  const monthFormat = new Intl.DateTimeFormat(i18n.language, { month: "short", year: "numeric", timeZone: "UTC" });
  const monthLabel = (month: string) => monthFormat.format(new Date(`${month}-01T00:00:00Z`));
  // A cause since removed still owes its gifts: it shows by its id.
  const causeName = (row: GivingFigures) => row.name ?? t("giving.report.removed", { id: row.causeId });
  const figures = (row: GivingFigures) => [
    amount(row.roundUp, row.currencyCode),
    number(row.points),
    amount(row.pointsValue, row.currencyCode),
    amount(row.owed, row.currencyCode),
    number(row.donors),
  ];
  const headings = [
    t("giving.report.roundUp"),
    t("giving.report.points"),
    t("giving.report.pointsValue"),
    t("giving.report.owed"),
    t("giving.report.donors"),
  ];
  const query = `from=${report.range.from}&to=${report.range.to}`;
  return (
    <BlockStack gap="400">
      <InlineStack align="space-between" blockAlign="end" gap="300">
        <Text as="h2" variant="headingLg">
          {t("giving.report.title")}
        </Text>
        <InlineStack gap="200" blockAlign="end">
          <TextField
            label={t("giving.report.from")}
            type="month"
            autoComplete="off"
            value={range.from}
            onChange={(from) => setRange((current) => ({ ...current, from }))}
          />
          <TextField
            label={t("giving.report.to")}
            type="month"
            autoComplete="off"
            value={range.to}
            onChange={(to) => setRange((current) => ({ ...current, to }))}
          />
          <Button onClick={() => setParams({ from: range.from, to: range.to })}>{t("giving.report.show")}</Button>
          <DownloadButton
            url={`/app/export/giving?${query}`}
            fileName={`tally-giving-${report.range.from}-${report.range.to}.csv`}
            label={t("giving.report.export")}
          />
        </InlineStack>
      </InlineStack>
      <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
        <Figure
          label={t("giving.report.owedTotal")}
          value={
            report.owed.length
              ? report.owed.map((owed) => amount(owed.amount, owed.currencyCode)).join(" + ")
              : amount("0", null)
          }
          note={t("giving.report.owedHelp")}
        />
        <Figure label={t("giving.report.points")} value={number(report.points)} />
        <Figure label={t("giving.report.donors")} value={number(report.donors)} note={t("giving.report.donorsHelp")} />
      </InlineGrid>
      <Card>
        <BlockStack gap="300">
          <Text as="h3" variant="headingSm">
            {t("giving.report.byCause")}
          </Text>
          {report.causes.length ? (
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
              headings={[t("giving.report.cause"), ...headings]}
              rows={report.causes.map((row) => [causeName(row), ...figures(row)])}
            />
          ) : (
            <Text as="p" tone="subdued">
              {t("giving.report.empty")}
            </Text>
          )}
        </BlockStack>
      </Card>
      {report.rows.length ? (
        <Card>
          <BlockStack gap="300">
            <Text as="h3" variant="headingSm">
              {t("giving.report.byMonth")}
            </Text>
            <DataTable
              columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
              headings={[t("giving.report.month"), t("giving.report.cause"), ...headings]}
              rows={report.rows.map((row) => [monthLabel(row.month), causeName(row), ...figures(row)])}
            />
          </BlockStack>
        </Card>
      ) : null}
    </BlockStack>
  );
}
