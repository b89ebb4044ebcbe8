import { Badge, BlockStack, Button, Card, InlineStack, ProgressBar, Text, type BadgeProps } from "@shopify/polaris";
import { useTranslation } from "~/i18n";
import type { GoalProgress, GoalStatus } from "~/loyalty/reports/goals";
import type { Insight } from "~/loyalty/reports/insights";
import { lastDay } from "./goal-form";

const STATUS_TONES: Record<GoalStatus, BadgeProps["tone"]> = {
  scheduled: undefined,
  on_track: "info",
  behind: "warning",
  reached: "success",
  missed: "critical",
};

/** The home dashboard's goals: each one's value against its target, its dates and status; a link to set them. */
export function GoalsCard({ goals }: { goals: GoalProgress[] }) {
  const { t, i18n } = useTranslation();
  const percent = new Intl.NumberFormat(i18n.language, { style: "percent", maximumFractionDigits: 1 });
  const dayFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeZone: "UTC" });
  const day = (date: string) => dayFormat.format(new Date(`${date}T00:00:00Z`));
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("goals.cardTitle")}
          </Text>
          <Button url="/app/goals">{goals.length ? t("goals.edit") : t("goals.set")}</Button>
        </InlineStack>
        {goals.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("goals.none")}
          </Text>
        ) : null}
        {goals.map(({ goal, value, progress, status }) => (
          <section key={goal.id} aria-label={t(`goals.metrics.${goal.metric}`)}>
            <BlockStack gap="200">
              <InlineStack align="space-between" blockAlign="center" gap="200">
                <Text as="h3" variant="headingSm" id={`goal-${goal.id}`}>
                  {t(`goals.metrics.${goal.metric}`)}
                </Text>
                <Badge tone={STATUS_TONES[status]}>{t(`goals.status.${status}`)}</Badge>
              </InlineStack>
              <ProgressBar
                progress={Math.round(Math.min(1, Math.max(0, progress ?? 0)) * 100)}
                tone={
                  status === "reached"
                    ? "success"
                    : status === "missed" || status === "behind"
                      ? "critical"
                      : "highlight"
                }
                size="small"
                ariaLabelledBy={`goal-${goal.id}`}
              />
              <Text as="p">
                {t("goals.valueOfTarget", {
                  value: value === null ? "—" : percent.format(value),
                  target: percent.format(goal.target / 10_000),
                })}
              </Text>
              <Text as="p" variant="bodySm" tone="subdued">
                {t("goals.dates", { from: day(goal.startsAt.slice(0, 10)), to: day(lastDay(goal.endsAt)) })}
              </Text>
            </BlockStack>
          </section>
        ))}
      </BlockStack>
    </Card>
  );
}

/** The insights in plain sentences; nothing when the figures say nothing worth saying yet. */
export function InsightsCard({ insights }: { insights: Insight[] }) {
  const { t, i18n } = useTranslation();
  const number = (value: number) => value.toLocaleString(i18n.language);
  const percent = (share: number) =>
    new Intl.NumberFormat(i18n.language, { style: "percent", maximumFractionDigits: 0 }).format(share);
  const sentence = (insight: Insight) => {
    switch (insight.kind) {
      case "reachable_reward":
        return t("goals.insights.reachableReward", {
          cheapest: number(insight.cheapestPoints),
          median: number(insight.medianBalance),
          suggested: number(insight.suggestedPoints),
          share: percent(insight.reachableShare),
        });
      case "never_redeemed":
        return t("goals.insights.neverRedeemed", {
          count: insight.members,
          members: number(insight.members),
          share: percent(insight.share),
        });
      case "expiring_points":
        return t("goals.insights.expiringPoints", {
          count: insight.members,
          points: number(insight.points),
          members: number(insight.members),
          days: insight.days,
        });
    }
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("goals.insights.title")}
        </Text>
        {insights.length ? (
          <BlockStack as="ul" gap="200">
            {insights.map((insight) => (
              <li key={insight.kind}>
                <Text as="span">{sentence(insight)}</Text>
              </li>
            ))}
          </BlockStack>
        ) : (
          <Text as="p" tone="subdued">
            {t("goals.insights.none")}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
