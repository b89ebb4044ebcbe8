import { useSearchParams } from "@remix-run/react";
import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { BlockStack, Box, Button, Card, DatePicker, InlineGrid, InlineStack, Popover, Text } from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "~/i18n";
import { Figure } from "./figure";
import { formatMoney } from "./format";
import type { DashboardMetrics } from "~/loyalty/reports/dashboard.server";

const DAY_MS = 86_400_000;
const CHART_HEIGHT = 260;

/** The program's figures over a date range, with charts drawn by Shopify's polaris-viz. */
export function Dashboard({ metrics }: { metrics: DashboardMetrics }) {
  const { t, i18n } = useTranslation();
  const number = (value: number) => value.toLocaleString(i18n.language);
  const money = (amount: number, currency: string | null) => formatMoney(i18n.language, amount, currency);
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
                  value: money(liability.basis.valuePerPoint, liability.currencyCode),
                  reward: liability.basis.rewardName,
                })
              : t("dashboard.liabilityUnknown")
          }
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
              data: metrics.series.map((day) => ({ key: day.day, value: day[series] })),
            }))}
          />
        </ChartCard>
        <ChartCard title={t("dashboard.topRewards")}>
          {metrics.topRewards.length ? (
            <BarChart
              theme="Light"
              direction="horizontal"
              data={[
                {
                  name: t("dashboard.series.redemptions"),
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

/** Charts measure the page, so they draw in the browser; the box keeps its height meanwhile (no layout shift). */
function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {title}
        </Text>
        <div style={{ height: CHART_HEIGHT }}>
          {mounted ? <PolarisVizProvider>{children}</PolarisVizProvider> : null}
        </div>
      </BlockStack>
    </Card>
  );
}

/** The page's date range as a button; picking another range sets `?from=…&to=…`. */
export function RangePicker({ range }: { range: { from: Date; to: Date } }) {
  const { t, i18n } = useTranslation();
  const [, setParams] = useSearchParams();
  const [open, setOpen] = useState(false);
  const from = new Date(range.from);
  const lastDay = new Date(new Date(range.to).getTime() - DAY_MS);
  const [selected, setSelected] = useState({ start: from, end: lastDay });
  const [month, setMonth] = useState({ month: lastDay.getUTCMonth(), year: lastDay.getUTCFullYear() });
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeZone: "UTC" });
  const apply = (start: Date, end: Date) => {
    const day = (date: Date) =>
      `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
    const exclusiveEnd = new Date(Date.UTC(end.getFullYear(), end.getMonth(), end.getDate() + 1));
    setParams({ from: `${day(start)}T00:00:00Z`, to: exclusiveEnd.toISOString() });
    setOpen(false);
  };
  const preset = (days: number) => {
    const end = new Date();
    apply(new Date(end.getTime() - (days - 1) * DAY_MS), end);
  };
  return (
    <Popover
      active={open}
      onClose={() => setOpen(false)}
      activator={
        <Button disclosure onClick={() => setOpen((value) => !value)}>
          {t("dashboard.range", { from: format.format(from), to: format.format(lastDay) })}
        </Button>
      }
    >
      <Box padding="400">
        <BlockStack gap="300">
          <InlineStack gap="200">
            {[7, 30, 90, 365].map((days) => (
              <Button key={days} size="slim" onClick={() => preset(days)}>
                {t("dashboard.lastDays", { count: days })}
              </Button>
            ))}
          </InlineStack>
          <DatePicker
            month={month.month}
            year={month.year}
            onMonthChange={(m, y) => setMonth({ month: m, year: y })}
            selected={selected}
            onChange={setSelected}
            allowRange
          />
          <InlineStack align="end">
            <Button variant="primary" onClick={() => apply(selected.start, selected.end)}>
              {t("dashboard.apply")}
            </Button>
          </InlineStack>
        </BlockStack>
      </Box>
    </Popover>
  );
}
