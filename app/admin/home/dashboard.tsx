import { BlockStack, Card, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { useTranslation } from "~/i18n";
import { BarChart, ChartBox, LineChart } from "~/admin/common/chart";
import { Figure } from "~/admin/common/figure";
import { formatMoney } from "~/admin/common/format";
import { RangePicker } from "~/admin/common/range-picker";
import type { DashboardMetrics } from "~/loyalty/reports/dashboard.server";

const CHART_HEIGHT = 260;
/** One colour per series, far apart (polaris-viz's default palette gives three near-identical blues). */
const SERIES_COLORS = { issued: "#008060", redeemed: "#2c6ecb", expired: "#e36b00", redemptions: "#2c6ecb" } as const;

/** The program's figures over a date range, with charts drawn by Shopify's polaris-viz. */
export function Dashboard({ metrics }: { metrics: DashboardMetrics }) {
  const { t, i18n } = useTranslation();
  const number = (value: number) => value.toLocaleString(i18n.language);
  const money = (amount: number, currency: string | null) => formatMoney(i18n.language, amount, currency);
  // The same date format as the range above the charts ("Nov 1, 2026").
  const dayFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeZone: "UTC" });
  const day = (key: string | number | null) => (typeof key === "string" ? dayFormat.format(new Date(key)) : "");
  const count = (value: string | number | null) => (typeof value === "number" ? number(value) : "");
  const { points, liability, revenue, referrals } = metrics;
  return (
    <BlockStack gap="400">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h2" variant="headingLg">
          {t("dashboard.title")}
        </Text>
        <RangePicker range={metrics.range} />
      </InlineStack>
      <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
        <Figure
          label={t("dashboard.members")}
          value={number(metrics.members.total)}
          note={t("dashboard.newMembers", { count: metrics.members.newInRange })}
        />
        <Figure label={t("dashboard.issued")} value={number(points.issued)} />
        <Figure
          label={t("dashboard.redeemed")}
          value={number(points.redeemed)}
          note={
            metrics.redemptionRate === null
              ? undefined
              : t("dashboard.rate", { rate: (metrics.redemptionRate * 100).toFixed(1) })
          }
        />
        <Figure label={t("dashboard.expired")} value={number(points.expired)} />
        <Figure
          label={t("dashboard.outstanding")}
          value={number(metrics.outstanding.balance)}
          note={
            metrics.outstanding.pending
              ? t("dashboard.pending", { points: number(metrics.outstanding.pending) })
              : undefined
          }
        />
        <Figure
          label={t("dashboard.liability")}
          value={liability.amount === null ? "—" : money(liability.amount, liability.currencyCode)}
          note={
            liability.basis
              ? t("dashboard.liabilityBasis", {
                  count: metrics.outstanding.balance,
                  points: number(metrics.outstanding.balance),
                  rewardPoints: number(liability.basis.points),
                  amount: money(liability.basis.amount, liability.currencyCode),
                  reward: liability.basis.rewardName,
                })
              : t("dashboard.liabilityUnknown")
          }
          help={t("dashboard.liabilityHelp")}
        />
        <Figure
          label={t("dashboard.memberRevenue")}
          value={money(revenue.members.amount, revenue.currencyCode)}
          note={t("dashboard.orders", { count: revenue.members.orders })}
        />
        <Figure
          label={t("dashboard.otherRevenue")}
          value={money(revenue.others.amount, revenue.currencyCode)}
          note={t("dashboard.orders", { count: revenue.others.orders })}
        />
      </InlineGrid>
      {referrals ? (
        <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
          <Figure
            label={t("dashboard.referrals")}
            value={number(referrals.referrals)}
            note={t("dashboard.referralVisits", { count: referrals.visits })}
          />
          <Figure
            label={t("dashboard.referralConversions")}
            value={number(referrals.conversions)}
            note={t("dashboard.referralsRewarded", { count: referrals.rewarded })}
          />
          <Figure label={t("dashboard.referralRevenue")} value={money(referrals.revenue, revenue.currencyCode)} />
        </InlineGrid>
      ) : null}
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
        <ChartCard title={t("dashboard.pointsOverTime")}>
          <LineChart
            theme="Light"
            data={(["issued", "redeemed", "expired"] as const).map((series) => ({
              name: t(`dashboard.series.${series}`),
              color: SERIES_COLORS[series],
              data: metrics.series.map((entry) => ({ key: entry.day, value: entry[series] })),
            }))}
            xAxisOptions={{ labelFormatter: day }}
            yAxisOptions={{ integersOnly: true, labelFormatter: count }}
            tooltipOptions={{ titleFormatter: day, valueFormatter: count }}
          />
        </ChartCard>
        <ChartCard title={t("dashboard.topRewards")}>
          {metrics.topRewards.length ? (
            // Vertical: polaris-viz keeps whole-number ticks (integersOnly) on a vertical value axis only.
            <BarChart
              theme="Light"
              direction="vertical"
              xAxisOptions={{ allowLineWrap: true }}
              yAxisOptions={{ integersOnly: true, labelFormatter: count }}
              tooltipOptions={{ valueFormatter: count }}
              data={[
                {
                  name: t("dashboard.series.redemptions"),
                  color: SERIES_COLORS.redemptions,
                  data: metrics.topRewards.map((reward) => ({ key: reward.name, value: reward.redemptions })),
                },
              ]}
            />
          ) : (
            <Text as="p" tone="subdued">
              {t("dashboard.noRedemptions")}
            </Text>
          )}
        </ChartCard>
      </InlineGrid>
    </BlockStack>
  );
}

/** A chart under its title. */
function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {title}
        </Text>
        <ChartBox height={CHART_HEIGHT}>{children}</ChartBox>
      </BlockStack>
    </Card>
  );
}
