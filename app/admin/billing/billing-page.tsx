import { Badge, Banner, BlockStack, Card, InlineStack, Layout, Page, Text, type BadgeProps } from "@shopify/polaris";
import { useTranslation } from "~/i18n";
import type { BillingOverview, SubscriptionSummary } from "~/loyalty/billing/overview.server";
import type { SubscriptionStatus } from "~/loyalty/billing/plan";
import { PlanApproval, PriceExplanation } from "./approval";
import { CycleCharges, CycleUsage } from "./cycle";
import { BillingHistory } from "./history";

export type { BillingAnswer } from "./approval";

/** What the billing route loads for the page. */
export interface BillingPageData {
  overview: BillingOverview;
  /** False when Shopify did not answer: the page shows the plan as Tally last stored it. */
  shopifyAnswered: boolean;
}

const STATUS_TONES: Record<SubscriptionStatus, BadgeProps["tone"]> = {
  ACTIVE: "success",
  PENDING: "attention",
  DECLINED: "critical",
  EXPIRED: "critical",
  FROZEN: "warning",
  CANCELLED: undefined,
};

/** Tally's plan: approve it, or follow what it costs this cycle and over the last months. */
export function BillingPage({ overview, shopifyAnswered }: BillingPageData) {
  const { t } = useTranslation();
  const { plan, subscription } = overview;
  if (overview.billing === "off") {
    return (
      <Page title={t("billing.title")}>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              {t("billing.off.title")}
            </Text>
            <Text as="p">{t("billing.off.body")}</Text>
          </BlockStack>
        </Card>
      </Page>
    );
  }
  const active = subscription?.status === "ACTIVE" ? subscription : null;
  return (
    <Page title={t("billing.title")}>
      <Layout>
        {shopifyAnswered ? null : (
          <Layout.Section>
            <Banner tone="warning" title={t("billing.shopifyDown.title")}>
              <p>{t("billing.shopifyDown.body")}</p>
            </Banner>
          </Layout.Section>
        )}
        {subscription?.status === "FROZEN" ? (
          <Layout.Section>
            <Banner tone="warning" title={t("billing.frozen.title")}>
              <p>{t("billing.frozen.body")}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {active ? (
          <>
            <Layout.Section>
              <PlanCard overview={overview} subscription={active} />
            </Layout.Section>
            <Layout.Section>
              <CycleUsage plan={plan} subscription={active} />
            </Layout.Section>
          </>
        ) : subscription?.status !== "FROZEN" ? (
          <Layout.Section>
            <PlanApproval plan={plan} subscription={subscription} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <CycleCharges cycle={overview.cycle} />
        </Layout.Section>
        <Layout.Section>
          <BillingHistory history={overview.history} currencyCode={plan.currencyCode} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** The approved plan: its status, its price at the cap the merchant approved, test charges or real ones. */
function PlanCard({ overview, subscription }: { overview: BillingOverview; subscription: SubscriptionSummary }) {
  const { t } = useTranslation();
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("billing.plan.title")}
          </Text>
          <Badge tone={STATUS_TONES[subscription.status]}>{t(`billing.status.${subscription.status}`)}</Badge>
          {subscription.test ? <Badge tone="info">{t("billing.plan.testBadge")}</Badge> : null}
        </InlineStack>
        <PriceExplanation plan={overview.plan} cap={subscription.cappedAmount} />
        {subscription.test ? (
          <Text as="p" tone="subdued">
            {t("billing.plan.test")}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
