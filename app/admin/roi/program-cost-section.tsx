import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import { formatMoney } from "~/admin/common/format";
import { useTranslation } from "~/i18n";
import { COST_LINES, costShares, type CostAmounts, type ProgramCost } from "~/loyalty/reports/program-cost";
import { minorUnitDigits } from "~/money/currency";
import { toUnits } from "~/money/money";

/**
 * "What the program cost" on the ROI page (issue 25, docs/accounting.md): per currency, each month
 * of the range and the totals, then the cost beside members' revenue in the same currency.
 */
export function ProgramCostSection({
  cost,
  memberRevenue,
}: {
  cost: ProgramCost;
  memberRevenue: { currencyCode: string | null; revenue: number }[];
}) {
  const { t, i18n } = useTranslation();
  const money = (minor: number, currencyCode: string | null) =>
    formatMoney(i18n.language, toUnits(minor, minorUnitDigits(currencyCode)), currencyCode);
  const monthFormat = new Intl.DateTimeFormat(i18n.language, { month: "short", year: "numeric", timeZone: "UTC" });
  const monthLabel = (month: string) => monthFormat.format(new Date(`${month}-01T00:00:00Z`));
  const amounts = (values: CostAmounts, currencyCode: string | null) =>
    [...COST_LINES, "total" as const].map((line) => money(values[line], currencyCode));
  const shares = costShares(cost, memberRevenue);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("programCost.title")}
        </Text>
        <Text as="p" tone="subdued">
          {t("programCost.definition")}
        </Text>
        {shares.length ? (
          shares.map(({ currencyCode, months, totals, share, revenue }) => (
            <BlockStack gap="200" key={currencyCode ?? ""}>
              <Text as="h3" variant="headingSm">
                {t("programCost.inCurrency", { currency: currencyCode ?? "—" })}
              </Text>
              <DataTable
                columnContentTypes={["text", ...COST_LINES.map(() => "numeric" as const), "numeric"]}
                headings={[
                  t("programCost.month"),
                  ...COST_LINES.map((line) => t(`programCost.lines.${line}`)),
                  t("programCost.total"),
                ]}
                rows={[
                  ...months.map((entry) => [monthLabel(entry.month), ...amounts(entry.amounts, currencyCode)]),
                  [t("programCost.total"), ...amounts(totals, currencyCode)],
                ]}
              />
              <Text as="p">
                {share === null
                  ? t("programCost.share.noRevenue", { currency: currencyCode ?? "—" })
                  : t("programCost.share.line", {
                      share: share.toLocaleString(i18n.language, { style: "percent", maximumFractionDigits: 1 }),
                      cost: money(totals.total, currencyCode),
                      revenue: money(revenue, currencyCode),
                    })}
              </Text>
            </BlockStack>
          ))
        ) : (
          <Text as="p">{t("programCost.empty")}</Text>
        )}
        <Text as="p" variant="bodySm" tone="subdued">
          {t("programCost.notes")}
        </Text>
      </BlockStack>
    </Card>
  );
}
