import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { useTranslation } from "~/i18n";
import type { OnboardingState, OnboardingStep } from "~/loyalty/program/onboarding";

interface Props {
  state: OnboardingState;
  steps: readonly OnboardingStep[];
  /** Where each step's button goes; `external` opens Shopify's theme editor or the storefront. */
  links: Record<OnboardingStep, { url: string; external?: boolean }>;
}

/** The first-run checklist on the home page; gone once every step is done or it is dismissed. */
export function OnboardingCard({ state, steps, links }: Props) {
  const { t } = useTranslation();
  const fetcher = useFetcher();
  const done = steps.filter((step) => state.completed[step]).length;
  const complete = (step: OnboardingStep) => fetcher.submit({ intent: "complete", step }, { method: "post" });
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
        {steps.map((step) => {
          const finished = Boolean(state.completed[step]);
          const link = links[step];
          return (
            <InlineStack key={step} align="space-between" blockAlign="center" gap="400" wrap={false}>
              <BlockStack gap="100">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h3" variant="headingSm">
                    {t(`onboarding.steps.${step}.title`)}
                  </Text>
                  {finished ? <Badge tone="success">{t("onboarding.done")}</Badge> : null}
                </InlineStack>
                <Text as="p" tone="subdued">
                  {t(`onboarding.steps.${step}.body`)}
                </Text>
              </BlockStack>
              {finished ? null : (
                <InlineStack gap="200" wrap={false}>
                  <Button
                    url={link.url}
                    target={link.external ? "_blank" : undefined}
                    onClick={link.external ? () => complete(step) : undefined}
                  >
                    {t(`onboarding.steps.${step}.action`)}
                  </Button>
                </InlineStack>
              )}
            </InlineStack>
          );
        })}
      </BlockStack>
    </Card>
  );
}
