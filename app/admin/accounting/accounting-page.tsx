import { useSearchParams } from "@remix-run/react";
import {
  BlockStack,
  Button,
  Card,
  DataTable,
  FormLayout,
  InlineStack,
  Layout,
  RadioButton,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { DownloadButton } from "~/admin/common/download-button";
import { NumberField } from "~/admin/common/fields";
import { formatMoney } from "~/admin/common/format";
import { ProgramPage, useProgramEditor } from "~/admin/common/program-editor";
import { useTranslation } from "~/i18n";
import type { Program } from "~/loyalty/program/program";
import type { AccountingStatement } from "~/loyalty/reports/accounting-statement";
import type { BreakageReport } from "~/loyalty/reports/breakage";
import { minorUnitDigits } from "~/money/currency";
import { toUnits } from "~/money/money";
import { BreakageSection } from "./breakage-section";

// Printing keeps the statement only: the admin's tabs, the forms and the buttons stay on screen,
// and the tables show all their columns instead of scrolling.
const PRINT_CSS = `@media print {
  .tally-screen-only, nav, .Polaris-Page-Header { display: none !important; }
  .tally-accounting .Polaris-DataTable__ScrollContainer { overflow: visible !important; }
  .tally-accounting .Polaris-DataTable__StickyHeaderWrapper { display: none !important; }
  .tally-accounting .Polaris-DataTable__Cell { padding: 4px 6px; font-size: 10px; }
  .tally-accounting .Polaris-Card { box-shadow: none; break-inside: avoid; }
}`;

/** The points liability for the merchant's accountant: the roll-forward per month, its value, its breakage, its CSV and print. */
export function AccountingPage({
  statement,
  breakage,
  ...loaded
}: {
  program: Program;
  revision: number;
  statement: AccountingStatement;
  breakage: BreakageReport;
}) {
  const editor = useProgramEditor(loaded);
  const { t, i18n } = useTranslation();
  const [, setParams] = useSearchParams();
  const [range, setRange] = useState(statement.range);
  const { basis, currencyCode } = statement;
  const digits = minorUnitDigits(currencyCode);
  const money = (amount: number) => formatMoney(i18n.language, amount, currencyCode);
  const number = (value: number) => value.toLocaleString(i18n.language);
  const monthFormat = new Intl.DateTimeFormat(i18n.language, { month: "short", year: "numeric", timeZone: "UTC" });
  const headings = [
    t("accounting.table.line"),
    ...statement.months.map((month) => monthFormat.format(new Date(`${month}-01T00:00:00Z`))),
    t("accounting.table.total"),
  ];
  const lineLabel = (line: string) => t(`accounting.lines.${line}`);
  const types: ("text" | "numeric")[] = ["text", ...statement.months.map(() => "numeric" as const), "numeric"];
  const pointsRows = statement.rows.map((row) => [lineLabel(row.line), ...row.points.map(number), number(row.total)]);
  const amountRows = statement.rows.map((row) => [
    lineLabel(row.line),
    ...(row.amounts ?? []).map((amount) => money(Number(amount))),
    money(Number(row.totalAmount)),
  ]);
  const basisStated = basis
    ? t(basis.reward ? "accounting.basis.catalog" : "accounting.basis.merchant", {
        points: number(basis.points),
        amount: money(toUnits(basis.amountMinorUnits, digits)),
        reward: basis.reward?.name ?? "",
      })
    : t("accounting.basis.none");
  const pointValue = editor.draft.accounting.pointValue;
  const setPointValue = (value: Program["accounting"]["pointValue"]) =>
    editor.update((program) => void (program.accounting.pointValue = value));
  const query = `from=${statement.range.from}&to=${statement.range.to}`;
  return (
    <ProgramPage title={t("accounting.title")} editor={editor}>
      <style>{PRINT_CSS}</style>
      <div className="tally-accounting">
        <BlockStack gap="500">
          <InlineStack align="space-between" blockAlign="end" gap="300">
            <BlockStack gap="100">
              <Text as="h2" variant="headingLg">
                {t("accounting.statement.title", { from: statement.range.from, to: statement.range.to })}
              </Text>
              <Text as="p" tone="subdued">
                {basisStated}
              </Text>
            </BlockStack>
            <div className="tally-screen-only">
              <InlineStack gap="200" blockAlign="end">
                <TextField
                  label={t("accounting.statement.from")}
                  type="month"
                  autoComplete="off"
                  value={range.from}
                  onChange={(from) => setRange((current) => ({ ...current, from }))}
                />
                <TextField
                  label={t("accounting.statement.to")}
                  type="month"
                  autoComplete="off"
                  value={range.to}
                  onChange={(to) => setRange((current) => ({ ...current, to }))}
                />
                <Button onClick={() => setParams({ from: range.from, to: range.to })}>
                  {t("accounting.statement.show")}
                </Button>
                <Button onClick={() => window.print()}>{t("accounting.statement.print")}</Button>
                <DownloadButton
                  url={`/app/export/accounting?${query}`}
                  fileName={`tally-accounting-${statement.range.from}-${statement.range.to}.csv`}
                  label={t("accounting.statement.export")}
                />
              </InlineStack>
            </div>
          </InlineStack>
          <Card>
            <BlockStack gap="300">
              <Text as="h3" variant="headingSm">
                {t("accounting.statement.points")}
              </Text>
              <DataTable columnContentTypes={types} headings={headings} rows={pointsRows} />
            </BlockStack>
          </Card>
          {basis ? (
            <Card>
              <BlockStack gap="300">
                <Text as="h3" variant="headingSm">
                  {t("accounting.statement.money")}
                </Text>
                <DataTable columnContentTypes={types} headings={headings} rows={amountRows} />
              </BlockStack>
            </Card>
          ) : null}
          <BreakageSection
            breakage={breakage}
            money={(amount) => (basis && amount !== null ? money(Number(amount)) : null)}
          />
          <div className="tally-screen-only">
            <Layout>
              <Layout.AnnotatedSection
                title={t("accounting.value.title")}
                description={t("accounting.value.description")}
              >
                <Card>
                  <FormLayout>
                    <RadioButton
                      label={t("accounting.value.catalog")}
                      helpText={t("accounting.value.catalogHelp")}
                      checked={pointValue === null}
                      id="point-value-catalog"
                      name="point-value"
                      onChange={() => setPointValue(null)}
                    />
                    <RadioButton
                      label={t("accounting.value.own")}
                      checked={pointValue !== null}
                      id="point-value-own"
                      name="point-value"
                      onChange={() => setPointValue(pointValue ?? { points: 100, amount: 1 })}
                    />
                    {pointValue ? (
                      <FormLayout.Group>
                        <NumberField
                          label={t("accounting.value.points")}
                          value={pointValue.points}
                          error={editor.errorFor("accounting.pointValue.points")}
                          onChange={(points) => setPointValue({ ...pointValue, points: points ?? 0 })}
                        />
                        <NumberField
                          label={t("accounting.value.amount")}
                          helpText={t("accounting.value.amountHelp")}
                          value={pointValue.amount}
                          error={editor.errorFor("accounting.pointValue.amount")}
                          onChange={(amount) => setPointValue({ ...pointValue, amount: amount ?? 0 })}
                        />
                      </FormLayout.Group>
                    ) : null}
                  </FormLayout>
                </Card>
              </Layout.AnnotatedSection>
            </Layout>
          </div>
        </BlockStack>
      </div>
    </ProgramPage>
  );
}
