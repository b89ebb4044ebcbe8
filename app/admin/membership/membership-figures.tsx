import { BlockStack, Card, DataTable, InlineGrid, Text } from "@shopify/polaris";
import { BarChart, ChartBox } from "~/admin/common/chart";
import { Figure } from "~/admin/common/figure";
import { formatMoney } from "~/admin/common/format";
import { useTranslation } from "~/i18n";
import type { MembershipFigures } from "~/loyalty/reports/membership";

const CHART_HEIGHT = 260;
const SERIES_COLORS = { started: "#008060", renewed: "#2c6ecb", lapsed: "#e36b00" } as const;

/** The paid membership's figures: members paying now, the last 12 months as a chart and a table. */
export function MembershipFiguresSection({ figures }: { figures: MembershipFigures }) {
  const { t, i18n } = useTranslation();
  const number = (value: number) => value.toLocaleString(i18n.language);
  const monthFormat = new Intl.DateTimeFormat(i18n.language, { month: "short", year: "numeric", timeZone: "UTC" });
  const monthLabel = (month: string) => monthFormat.format(new Date(`${month}-01T00:00:00Z`));
  const percent = (rate: number | null) => (rate === null ? "—" : `${(rate * 100).toFixed(1)}%`);
  const revenue = (entries: MembershipFigures["months"][number]["revenue"]) =>
    entries.length
      ? entries.map((entry) => formatMoney(i18n.language, entry.amount, entry.currencyCode)).join(" + ")
      : "—";
  const current = figures.months[figures.months.length - 1];
  const previous = figures.months[figures.months.length - 2];
  const { spend } = figures;
  const average = (value: number | null) =>
    value === null || !spend ? "—" : formatMoney(i18n.language, value, spend.currencyCode);
  return (
    <BlockStack gap="400">
      <Text as="h2" variant="headingLg">
        {t("membership.figures.title")}
      </Text>
      <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
        <Figure label={t("membership.figures.active")} value={number(figures.activeMembers)} />
        <Figure
          label={t("membership.figures.revenueThisMonth")}
          value={current ? revenue(current.revenue) : "—"}
          note={t("membership.figures.revenueHelp")}
        />
        <Figure
          label={t("membership.figures.churnLastMonth")}
          value={previous ? percent(previous.churn) : "—"}
          note={t("membership.figures.churnHelp")}
        />
        <Figure
          label={t("membership.figures.memberSpend")}
          value={average(spend?.members.average ?? null)}
          note={t("membership.figures.othersSpend", {
            amount: average(spend?.others.average ?? null),
            orders: number(spend?.members.orders ?? 0),
          })}
        />
      </InlineGrid>
      <Card>
        <BlockStack gap="300">
          <Text as="h3" variant="headingSm">
            {t("membership.figures.perMonth")}
          </Text>
          <ChartBox height={CHART_HEIGHT}>
            <BarChart
              theme="Light"
              direction="vertical"
              xAxisOptions={{ labelFormatter: (key) => (typeof key === "string" ? monthLabel(key) : "") }}
              yAxisOptions={{ integersOnly: true }}
              data={(["started", "renewed", "lapsed"] as const).map((series) => ({
                name: t(`membership.figures.${series}`),
                color: SERIES_COLORS[series],
                data: figures.months.map((month) => ({ key: month.month, value: month[series] })),
              }))}
            />
          </ChartBox>
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
            headings={[
              t("membership.figures.month"),
              t("membership.figures.started"),
              t("membership.figures.renewed"),
              t("membership.figures.lapsed"),
              t("membership.figures.churn"),
              t("membership.figures.revenue"),
            ]}
            rows={[...figures.months]
              .reverse()
              .map((month) => [
                monthLabel(month.month),
                number(month.started),
                number(month.renewed),
                number(month.lapsed),
                percent(month.churn),
                revenue(month.revenue),
              ])}
          />
        </BlockStack>
      </Card>
    </BlockStack>
  );
}
