import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import { useTranslation } from "~/i18n";
import type { BreakageReport } from "~/loyalty/reports/breakage";

/**
 * The accounting page's breakage (docs/accounting.md#breakage): the range's cohorts, the rate from
 * the settled ones, and the closing outstanding net of expected breakage — an estimate, said so.
 */
export function BreakageSection({
  breakage,
  money,
}: {
  breakage: BreakageReport;
  /** Decimal text in the shop's currency, formatted; null without a value per point. */
  money: (amount: string | null) => string | null;
}) {
  const { t, i18n } = useTranslation();
  const number = (value: number) => value.toLocaleString(i18n.language);
  const percent = (rate: number | null) =>
    rate === null
      ? "—"
      : rate.toLocaleString(i18n.language, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const monthFormat = new Intl.DateTimeFormat(i18n.language, { month: "short", year: "numeric", timeZone: "UTC" });
  const { rate, liability } = breakage;
  const rows = breakage.cohorts.map((cohort) => [
    monthFormat.format(new Date(`${cohort.month}-01T00:00:00Z`)),
    number(cohort.issued),
    number(cohort.expired),
    number(cohort.spent),
    number(cohort.outstanding),
    percent(cohort.breakageRate),
    t(cohort.settled ? "breakage.settled.yes" : "breakage.settled.no"),
  ]);
  const grossMoney = money(liability.grossAmount);
  const netMoney = money(liability.netAmount);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h3" variant="headingSm">
          {t("breakage.title")}
        </Text>
        <Text as="p" tone="subdued">
          {t("breakage.description")}
        </Text>
        {rows.length ? (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "text"]}
            headings={[
              t("breakage.table.cohort"),
              t("breakage.table.issued"),
              t("breakage.table.expired"),
              t("breakage.table.spent"),
              t("breakage.table.outstanding"),
              t("breakage.table.rate"),
              t("breakage.table.settled"),
            ]}
            rows={rows}
          />
        ) : (
          <Text as="p">{t("breakage.noCohorts")}</Text>
        )}
        {rate.rate === null ? (
          <Text as="p">{t("breakage.rate.none")}</Text>
        ) : (
          <BlockStack gap="100">
            <Text as="p">
              {t("breakage.rate.value", {
                rate: percent(rate.rate),
                redemption: percent(rate.expectedRedemptionRate),
              })}
            </Text>
            <Text as="p" tone="subdued">
              {t("breakage.rate.basis", { cohorts: number(rate.settledCohorts), points: number(rate.issued) })}
            </Text>
          </BlockStack>
        )}
        <BlockStack gap="100">
          <Text as="p">
            {grossMoney
              ? t("breakage.liability.grossMoney", { points: number(liability.grossPoints), amount: grossMoney })
              : t("breakage.liability.gross", { points: number(liability.grossPoints) })}
          </Text>
          {liability.netPoints !== null ? (
            <Text as="p" fontWeight="semibold">
              {netMoney
                ? t("breakage.liability.netMoney", { points: number(liability.netPoints), amount: netMoney })
                : t("breakage.liability.net", { points: number(liability.netPoints) })}
            </Text>
          ) : null}
          <Text as="p" tone="subdued">
            {t("breakage.estimate")}
          </Text>
        </BlockStack>
      </BlockStack>
    </Card>
  );
}
