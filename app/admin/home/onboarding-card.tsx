import { useFetcher, useRevalidator } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { useTranslation } from "~/i18n";
import type { OnboardingStep } from "~/loyalty/program/onboarding";
import type { ThemeEmbedCheck } from "~/loyalty/program/theme-embed";

interface Props {
  steps: readonly OnboardingStep[];
  progress: Record<OnboardingStep, boolean>;
  /** Tally's app embed in the published theme, as checked when the page loaded. */
  embed: ThemeEmbedCheck;
  themeEditorUrl: string;
  storefrontUrl: string;
  /** The rewards the program offers now: the reward step reviews them rather than asking for a first one. */
  rewardNames: string[];
}

/** The first-run checklist on the home page; gone once every step is done or it is dismissed. */
export function OnboardingCard({ steps, progress, embed, themeEditorUrl, storefrontUrl, rewardNames }: Props) {
  const { t, i18n } = useTranslation();
  const fetcher = useFetcher();
  const revalidator = useRevalidator();
  const done = steps.filter((step) => progress[step]).length;

  const body: Record<OnboardingStep, string> = {
    program: t("onboarding.steps.program.body"),
    reward: rewardNames.length
      ? t("onboarding.steps.reward.review", {
          count: rewardNames.length,
          rewards: new Intl.ListFormat(i18n.language, { type: "conjunction" }).format(rewardNames),
        })
      : t("onboarding.steps.reward.body"),
    embed:
      embed.status === "unknown"
        ? t("onboarding.steps.embed.unknown")
        : t(`onboarding.steps.embed.${embed.status}`, { theme: embed.themeName }),
    preview: progress.embed ? t("onboarding.steps.preview.body") : t("onboarding.steps.preview.widgetFirst"),
  };
  const actions: Record<OnboardingStep, ReactNode> = {
    program: <Button url="/app/program">{t("onboarding.steps.program.action")}</Button>,
    reward: rewardNames.length ? (
      <Button url="/app/rewards">{t("onboarding.steps.reward.reviewAction")}</Button>
    ) : (
      <Button url="/app/rewards/new">{t("onboarding.steps.reward.action")}</Button>
    ),
    embed: (
      <>
        <Button variant="plain" loading={revalidator.state === "loading"} onClick={() => revalidator.revalidate()}>
          {t("onboarding.steps.embed.checkAgain")}
        </Button>
        <Button url={themeEditorUrl} target="_blank">
          {t("onboarding.steps.embed.action")}
        </Button>
      </>
    ),
    // Opening the store counts once the widget is on: before that there is nothing of Tally to see.
    preview: progress.embed ? (
      <Button
        url={storefrontUrl}
        target="_blank"
        onClick={() => fetcher.submit({ intent: "previewed" }, { method: "post" })}
      >
        {t("onboarding.steps.preview.action")}
      </Button>
    ) : (
      <Button disabled>{t("onboarding.steps.preview.action")}</Button>
    ),
  };

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("onboarding.title")}
          </Text>
          <Button variant="plain" onClick={() => fetcher.submit({ intent: "dismiss" }, { method: "post" })}>
            {t("onboarding.dismiss")}
          </Button>
        </InlineStack>
        <Text as="p" tone="subdued">
          {t("onboarding.progress", { done, total: steps.length })}
        </Text>
        <ProgressBar progress={(done / steps.length) * 100} size="small" tone="primary" />
        {steps.map((step) => (
          <InlineStack key={step} align="space-between" blockAlign="center" gap="400" wrap={false}>
            <BlockStack gap="100">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h3" variant="headingSm">
                  {step === "reward" && rewardNames.length
                    ? t("onboarding.steps.reward.reviewTitle")
                    : t(`onboarding.steps.${step}.title`)}
                </Text>
                {progress[step] ? <Badge tone="success">{t("onboarding.done")}</Badge> : null}
              </InlineStack>
              <Text as="p" tone="subdued">
                {body[step]}
              </Text>
            </BlockStack>
            {progress[step] ? null : (
              // The buttons keep their width beside a long explanation.
              <div style={{ flexShrink: 0 }}>
                <InlineStack gap="200" wrap={false} blockAlign="center">
                  {actions[step]}
                </InlineStack>
              </div>
            )}
          </InlineStack>
        ))}
      </BlockStack>
    </Card>
  );
}
